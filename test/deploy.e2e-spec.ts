import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ENV_SETTINGS, loadConfig } from '#config';
import { rawGet } from './http-client.js';
import { REPO_ROOT, basicAuth, createTestCa, freePort, makeTempDir, removeDir, startModgate, startSlapd } from './support/index.js';

/*
 * The deployment files (docker-compose.yml, deploy/, the Dockerfile) and the operator guide (docs/)
 * cannot run here (no Docker, no cluster): this checks everything about them that can be checked
 * without one, against modgate's own code — its config loader, the routes it serves, slapd.
 */

type Obj = Record<string, unknown>;

const repo = (...parts: string[]) => join(REPO_ROOT, ...parts);

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name), accept) : accept(entry.name) ? [join(dir, entry.name)] : []))
    .sort();
}

/** Every document of a (multi-document) YAML file; a syntax error fails the test naming the file. */
function yamlDocuments(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${relative(REPO_ROOT, file)} document ${i}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Obj;
  });
}

const isYaml = (name: string) => /\.ya?ml$/.test(name);
const k8sDir = repo('deploy', 'kubernetes');
const k8sFiles = filesUnder(k8sDir, isYaml);
const manifests = k8sFiles.filter((file) => basename(file) !== 'kustomization.yaml').flatMap(yamlDocuments);
const ofKind = (kind: string) => manifests.filter((doc) => doc.kind === kind);
const deployment = ofKind('Deployment')[0] as { spec: { replicas: number; template: { spec: PodSpec } } };
const container = deployment.spec.template.spec.containers[0]!;
const compose = yamlDocuments(repo('docker-compose.yml'))[0] as { services: Record<string, ComposeService>; volumes?: Obj };

interface PodSpec {
  securityContext?: Obj;
  containers: Array<{
    env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
    ports: Array<{ name: string; containerPort: number }>;
    readinessProbe: { httpGet: { path: string; port: string; scheme: string } };
    livenessProbe: { httpGet: { path: string; port: string; scheme: string } };
    resources: { requests?: Record<string, string> };
    securityContext?: Obj;
    volumeMounts: Array<{ name: string; mountPath: string }>;
  }>;
  volumes: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string } }>;
}

interface ComposeService {
  image?: string;
  build?: unknown;
  depends_on?: string[] | Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
}

/** Environment variable names modgate reads: the config loader's mapping plus direct `env.X` reads in apps/ and libs/. */
function variablesModgateReads(): Set<string> {
  const names = new Set(Object.keys(ENV_SETTINGS));
  const sources = [...filesUnder(repo('apps'), (n) => n.endsWith('.ts')), ...filesUnder(repo('libs'), (n) => n.endsWith('.ts'))].filter(
    (file) => !file.endsWith('.spec.ts') && !file.includes('/generated/'),
  );
  for (const file of sources) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\benv(?:\.|\[['"])(MODGATE_[A-Z0-9_]+)/g)) names.add(match[1]!);
  }
  return names;
}

/** `MODGATE_*` names in `text` that are not in `known`, sorted. */
function unknownVariables(text: string, known: Set<string>): string[] {
  return [...new Set([...text.matchAll(/\bMODGATE_[A-Z0-9_]+\b/g)].map((m) => m[0]))].filter((name) => !known.has(name)).sort();
}

/** `{ env: NAME }` secret references anywhere in a YAML config. */
function secretEnvRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(secretEnvRefs);
  if (value === null || typeof value !== 'object') return [];
  const obj = value as Obj;
  if (Object.keys(obj).length === 1 && typeof obj.env === 'string') return [obj.env];
  return Object.values(obj).flatMap(secretEnvRefs);
}

/** Minimal LDIF reader: entries separated by blank lines, `#` comments, folded lines, `attr:: base64`. */
function parseLdif(text: string): Array<{ dn: string; attrs: Record<string, string[]> }> {
  const unfolded = text.replace(/\r?\n /g, '');
  return unfolded
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const attrs: Record<string, string[]> = {};
      for (const line of lines) {
        const match = /^([A-Za-z][A-Za-z0-9;-]*)(::?) ?(.*)$/.exec(line);
        if (!match) throw new Error(`not an LDIF line: ${line}`);
        const value = match[2] === '::' ? Buffer.from(match[3]!, 'base64').toString('utf8') : match[3]!;
        (attrs[match[1]!.toLowerCase()] ??= []).push(value);
      }
      const dn = attrs.dn?.[0];
      if (!dn || lines[0]!.toLowerCase().startsWith('dn:') === false) throw new Error(`LDIF entry without a leading dn: ${lines[0]}`);
      delete attrs.dn;
      return { dn, attrs };
    });
}

describe('deployment files', () => {
  it('every YAML file under deploy/ and docker-compose.yml parses', () => {
    const files = [...filesUnder(repo('deploy'), isYaml), repo('docker-compose.yml')];
    expect(files.map((f) => relative(REPO_ROOT, f))).toEqual(
      expect.arrayContaining(['docker-compose.yml', 'deploy/compose/modgate.yaml', 'deploy/kubernetes/deployment.yaml', 'deploy/kubernetes/kustomization.yaml']),
    );
    for (const file of files) expect(yamlDocuments(file).length).toBeGreaterThan(0);
  });

  it('every Kubernetes document has apiVersion and kind, and kustomization.yaml lists exactly the manifests', () => {
    for (const file of k8sFiles) {
      for (const doc of yamlDocuments(file)) {
        expect({ file: basename(file), apiVersion: typeof doc.apiVersion, kind: typeof doc.kind }).toEqual({ file: basename(file), apiVersion: 'string', kind: 'string' });
      }
    }
    const kustomization = yamlDocuments(join(k8sDir, 'kustomization.yaml'))[0] as { kind: string; resources: string[] };
    expect(kustomization.kind).toBe('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(k8sFiles.map((f) => basename(f)).filter((f) => f !== 'kustomization.yaml'));
    expect(ofKind('Deployment').map((d) => (d.metadata as Obj).name)).toEqual(['modgate']);
    expect(ofKind('Service')).toHaveLength(1);
  });

  it('the Deployment runs 2 non-root replicas with resource requests, probes on its https port and a Service in front', () => {
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(Object.keys(container.resources.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const listen = container.env.find((e) => e.name === 'MODGATE_LISTEN')!.value!;
    const port = container.ports.find((p) => p.name === container.readinessProbe.httpGet.port)!;
    expect(Number(listen.split(':').pop())).toBe(port.containerPort);
    // modgate serves TLS itself here, so the probes must speak it too.
    expect(container.env.some((e) => e.name === 'MODGATE_TLS_CERT')).toBe(true);
    expect([container.readinessProbe.httpGet.scheme, container.livenessProbe.httpGet.scheme]).toEqual(['HTTPS', 'HTTPS']);
    const service = ofKind('Service')[0] as { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } };
    const podLabels = (deployment.spec.template as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels;
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual([port.name]);
  });

  it("the Secret's keys are exactly the ones the Deployment references, and the mounted volumes exist", () => {
    const secrets = ofKind('Secret') as Array<{ metadata: { name: string }; stringData: Record<string, string> }>;
    expect(secrets).toHaveLength(1);
    const refs = container.env.flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []));
    expect([...new Set(refs.map((r) => r.name))]).toEqual([secrets[0]!.metadata.name]);
    expect(refs.map((r) => r.key).sort()).toEqual(Object.keys(secrets[0]!.stringData).sort());
    for (const name of ['DATABASE_URL', 'MODGATE_JWT_SECRET', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'LDAP_BIND_PASSWORD']) {
      expect({ name, fromSecret: Boolean(container.env.find((e) => e.name === name)?.valueFrom?.secretKeyRef) }).toEqual({ name, fromSecret: true });
    }
    const volumes = deployment.spec.template.spec.volumes.map((v) => v.name).sort();
    expect(container.volumeMounts.map((m) => m.name).sort()).toEqual(volumes);
    const configMaps = ofKind('ConfigMap').map((c) => (c.metadata as Obj).name);
    for (const v of deployment.spec.template.spec.volumes) if (v.configMap) expect(configMaps).toContain(v.configMap.name);
  });

  it('the image runs a Node.js LTS major that package.json "engines" allows', () => {
    const dockerfile = readFileSync(repo('Dockerfile'), 'utf8');
    const major = Number(/^ARG NODE_MAJOR=(\d+)$/m.exec(dockerfile)?.[1]);
    expect(dockerfile).toMatch(/^FROM node:\$\{NODE_MAJOR\}-[a-z]+-slim$/m);
    // LTS lines are the even majors.
    expect(major % 2).toBe(0);
    const engines = (JSON.parse(readFileSync(repo('package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('^22.12.0 || >=24.0.0');
    const allowed = (m: number) => m === 22 || m >= 24;
    expect([major, allowed(major)]).toEqual([major, true]);
  });

  it('every MODGATE_* variable named in deploy/, docker-compose.yml, the Dockerfile and docs/ is one modgate reads', () => {
    const known = variablesModgateReads();
    expect(['MODGATE_LISTEN', 'MODGATE_CONFIG', 'MODGATE_URL', 'MODGATE_TOKEN'].filter((n) => !known.has(n))).toEqual([]);
    // The check itself catches a typo.
    expect(unknownVariables('MODGATE_S3_BUKET: modules\nMODGATE_S3_BUCKET: modules', known)).toEqual(['MODGATE_S3_BUKET']);
    const files = [
      ...filesUnder(repo('deploy'), () => true),
      ...filesUnder(repo('docs'), () => true),
      repo('docker-compose.yml'),
      repo('Dockerfile'),
    ];
    const unknown = files.flatMap((file) => unknownVariables(readFileSync(file, 'utf8'), known).map((name) => `${relative(REPO_ROOT, file)}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it("the Kubernetes environment and ConfigMap pass modgate's config loader, and every secret it names is set", async () => {
    const dir = await makeTempDir('deploy-k8s');
    try {
      const secret = (ofKind('Secret')[0] as { stringData: Record<string, string> }).stringData;
      const env: Record<string, string> = {};
      for (const e of container.env) env[e.name] = e.value ?? secret[e.valueFrom!.secretKeyRef!.key]!;
      // MODGATE_CONFIG names a file of the ConfigMap volume: write that key where the pod would see it.
      const mount = container.volumeMounts.find((m) => env.MODGATE_CONFIG!.startsWith(`${m.mountPath}/`))!;
      const volume = deployment.spec.template.spec.volumes.find((v) => v.name === mount.name)!;
      const configMap = ofKind('ConfigMap').find((c) => (c.metadata as Obj).name === volume.configMap!.name) as { data: Record<string, string> };
      const text = configMap.data[relative(mount.mountPath, env.MODGATE_CONFIG!)]!;
      expect(typeof text).toBe('string');
      env.MODGATE_CONFIG = join(dir, 'modgate.yaml');
      await writeFile(env.MODGATE_CONFIG, text);
      const config = loadConfig(env, dir);
      expect(config.database.kind).toBe('postgres');
      expect(config.auth.anonymousPulls).toBe(false);
      expect(config.storage.driver).toBe('s3');
      expect(config.tls).toBeDefined();
      expect(config.auth.ldap?.bindCredentials).toEqual({ env: 'LDAP_BIND_PASSWORD' });
      expect(config.origins.length).toBeGreaterThan(0);
      expect(secretEnvRefs(parseYaml(text)).filter((name) => env[name] === undefined)).toEqual([]);
      // The TLS files are on the TLS Secret's volume.
      const tlsMount = container.volumeMounts.find((m) => env.MODGATE_TLS_CERT!.startsWith(`${m.mountPath}/`))!;
      expect(deployment.spec.template.spec.volumes.find((v) => v.name === tlsMount.name)?.secret).toBeDefined();
    } finally {
      await removeDir(dir);
    }
  });

  it("docker-compose.yml: depends_on names services, bind mounts exist, and modgate's environment and mounted YAML pass its config loader", async () => {
    const services = compose.services;
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect({ service: name, dependsOn: dep, exists: dep in services }).toEqual({ service: name, dependsOn: dep, exists: true });
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.startsWith('./')) {
          // ./tls is the operator's certificate, provided before the first start.
          if (source !== './tls') expect({ volume, exists: statSync(repo(source!), { throwIfNoEntry: false }) !== undefined }).toEqual({ volume, exists: true });
        } else {
          expect(Object.keys(compose.volumes ?? {})).toContain(source);
        }
      }
    }
    const modgate = services.modgate!;
    expect(modgate.depends_on).toMatchObject({ 'minio-bucket': { condition: 'service_completed_successfully' } });
    const env = { ...modgate.environment! };
    const mounted = modgate.volumes!.map((v) => v.split(':')).find(([, target]) => target === env.MODGATE_CONFIG);
    expect(mounted).toBeDefined();
    env.MODGATE_CONFIG = repo(mounted![0]!);
    const config = loadConfig(env, REPO_ROOT);
    expect(config.storage).toMatchObject({ driver: 's3', bucket: 'modgate', forcePathStyle: true });
    expect(config.database.kind).toBe('postgres');
    expect(config.auth.ldap?.url).toBe('ldap://openldap:389');
    expect(config.policies.bindings.length).toBeGreaterThan(0);
    expect(secretEnvRefs(parseYaml(await readFile(env.MODGATE_CONFIG, 'utf8'))).filter((name) => env[name] === undefined)).toEqual([]);
    // The bucket modgate uses is the one the one-shot service creates.
    expect(JSON.stringify(services['minio-bucket']!)).toContain(`/${env.MODGATE_S3_BUCKET}`);
  });

  it("the demo LDIF holds a user and a group with that member, where the compose config's LDAP settings look", async () => {
    const entries = parseLdif(await readFile(repo('deploy', 'compose', 'ldap', '50-demo.ldif'), 'utf8'));
    const ldap = loadConfig({ MODGATE_CONFIG: repo('deploy', 'compose', 'modgate.yaml') }).auth.ldap!;
    const users = entries.filter((e) => e.attrs.objectclass?.includes('inetOrgPerson'));
    const groups = entries.filter((e) => e.attrs.objectclass?.includes('groupOfNames'));
    expect(users).toHaveLength(1);
    expect(groups).toHaveLength(1);
    const [user, group] = [users[0]!, groups[0]!];
    expect(user.dn).toBe(`uid=${user.attrs.uid![0]},${ldap.searchBase}`);
    expect(user.attrs.userpassword).toHaveLength(1);
    expect(group.dn).toBe(`cn=${group.attrs.cn![0]},${ldap.groupSearchBase}`);
    expect(group.attrs.member).toEqual([user.dn]);
    // Parents come before children, as ldapadd needs.
    const dns = entries.map((e) => e.dn);
    for (const [i, dn] of dns.entries()) {
      const parent = dn.slice(dn.indexOf(',') + 1);
      if (dns.includes(parent)) expect(dns.indexOf(parent)).toBeLessThan(i);
    }
  });
});

describe('operator guide (docs/)', () => {
  const docs = filesUnder(repo('docs'), (n) => n.endsWith('.md'));
  const fenced = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

  it('every relative link in docs/ and the README points at a file that exists', () => {
    expect(docs.map((f) => basename(f))).toEqual(expect.arrayContaining(['README.md', 'clients.md', 'security.md']));
    const broken: string[] = [];
    for (const file of [...docs, repo('README.md')]) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        if (!statSync(join(file, '..', target!), { throwIfNoEntry: false })) broken.push(`${relative(REPO_ROOT, file)} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every YAML example in docs/ is a config file modgate's loader accepts", async () => {
    const dir = await makeTempDir('deploy-docs');
    try {
      const examples = docs.flatMap((file) => fenced(readFileSync(file, 'utf8'), 'yaml').map((text, i) => ({ where: `${basename(file)} #${i}`, text })));
      expect(examples.length).toBeGreaterThanOrEqual(3);
      const refused: string[] = [];
      for (const { where, text } of examples) {
        await writeFile(join(dir, 'example.yaml'), text);
        try {
          loadConfig({ MODGATE_CONFIG: join(dir, 'example.yaml') }, dir);
        } catch (err) {
          refused.push(`${where}: ${(err as Error).message}`);
        }
      }
      expect(refused).toEqual([]);
    } finally {
      await removeDir(dir);
    }
  });

  it('every `modgate <command>` in docs/ code is a command of the admin CLI', () => {
    // The commands the built CLI lists in its usage (`  <name> ...` lines under `commands:`).
    const usage = execFileSync(process.execPath, [repo('dist', 'apps', 'modgate-cli', 'src', 'main.js'), '--help'], { encoding: 'utf8' });
    const listed = usage.slice(usage.indexOf('commands:'), usage.indexOf('environment:'));
    const commands = new Set([...listed.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!));
    expect([...commands].sort()).toEqual(['audit', 'doctor', 'login', 'logout', 'policy', 'serve', 'sync', 'token', 'unlock', 'vuln', 'warm']);
    const used = new Set<string>();
    for (const file of docs) {
      const text = readFileSync(file, 'utf8');
      for (const block of fenced(text, 'sh')) for (const m of block.matchAll(/^modgate ([a-z-]+)/gm)) used.add(m[1]!);
      for (const m of text.matchAll(/`modgate ([a-z-]+)[^`]*`/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(2);
    expect([...used].filter((name) => !commands.has(name) && name !== 'help').sort()).toEqual([]);
  });
});

describe('deployment files against a running modgate', () => {
  let dir: string;
  let slapd: Awaited<ReturnType<typeof startSlapd>> | undefined;
  let server: Awaited<ReturnType<typeof startModgate>> | undefined;
  let ca: Buffer;
  let metricsUrl: string;
  let demo: { uid: string; password: string; group: string };

  beforeAll(async () => {
    dir = await makeTempDir('deploy-e2e');
    const tls = await createTestCa(join(dir, 'pki'));
    ca = await readFile(tls.caCertPath);
    // The demo user and group from the compose LDIF, in a slapd of the same layout. The compose
    // service account is created by the openldap image (not the LDIF), so this slapd is searched
    // anonymously instead: the only setting changed besides the URL.
    const entries = parseLdif(await readFile(repo('deploy', 'compose', 'ldap', '50-demo.ldif'), 'utf8'));
    const user = entries.find((e) => e.attrs.objectclass?.includes('inetOrgPerson'))!;
    const group = entries.find((e) => e.attrs.objectclass?.includes('groupOfNames'))!;
    demo = { uid: user.attrs.uid![0]!, password: user.attrs.userpassword![0]!, group: group.attrs.cn![0]! };
    slapd = await startSlapd();
    expect(slapd.userDn(demo.uid)).toBe(user.dn);
    expect(slapd.groupDn(demo.group)).toBe(group.dn);
    await slapd.addUser(demo.uid, demo.password);
    await slapd.addGroup(demo.group, [demo.uid]);

    const config = parseYaml(await readFile(repo('deploy', 'compose', 'modgate.yaml'), 'utf8')) as { auth: { ldap: Obj } };
    config.auth.ldap.url = slapd.url;
    delete config.auth.ldap.bindDn;
    delete config.auth.ldap.bindCredentials;
    await mkdir(join(dir, 'etc'));
    await writeFile(join(dir, 'etc', 'modgate.yaml'), stringifyYaml(config));
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    server = await startModgate({
      env: {
        MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
        MODGATE_TLS_CERT: tls.certPath,
        MODGATE_TLS_KEY: tls.keyPath,
        MODGATE_DATA_DIR: join(dir, 'data'),
        MODGATE_CONFIG: join(dir, 'etc', 'modgate.yaml'),
        MODGATE_UPSTREAM: 'off',
        MODGATE_SUMDB: 'off',
        MODGATE_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
      },
      caCert: tls.caCertPath,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await slapd?.close();
    await removeDir(dir);
  });

  it("serves the Deployment's probe paths without credentials", async () => {
    const paths = [container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path];
    for (const path of paths) {
      const res = await rawGet(server!.url, path, { ca });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    expect((await rawGet(server!.url, '/no-such-probe', { ca })).status).not.toBe(200);
  });

  it('serves /metrics on MODGATE_METRICS_LISTEN, the port the Deployment declares for it', async () => {
    expect(container.env.find((e) => e.name === 'MODGATE_METRICS_LISTEN')?.value).toBe(`0.0.0.0:${container.ports.find((p) => p.name === 'metrics')!.containerPort}`);
    const res = await rawGet(metricsUrl, '/metrics');
    expect(res.status).toBe(200);
    expect(res.body.toString('utf8')).toMatch(/^# (HELP|TYPE) /m);
  });

  it("signs in the LDIF's demo user with the compose LDAP settings, with the demo group", async () => {
    const res = await rawGet(server!.url, '/api/whoami', { ca, headers: basicAuth(demo.uid, demo.password) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ kind: 'user', name: demo.uid, via: 'ldap', groups: [demo.group] });
    expect((await rawGet(server!.url, '/api/whoami', { ca, headers: basicAuth(demo.uid, 'wrong-password') })).status).toBe(401);
  });
});
