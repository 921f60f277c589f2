import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execFileText } from './exec.js';
import { freePort } from './net.js';
import { makeTempDir, removeDir } from './tmp.js';

/** The directory's layout: people, groups and the password policy under one suffix. */
export const LDAP_SUFFIX = 'dc=corp,dc=example';
export const LDAP_PEOPLE = `ou=people,${LDAP_SUFFIX}`;
export const LDAP_GROUPS = `ou=groups,${LDAP_SUFFIX}`;
const ROOT_DN = `cn=admin,${LDAP_SUFFIX}`;
const ROOT_PW = 'slapd-root-secret';

/** A running OpenLDAP server of its own (see {@link startSlapd}). */
export interface TestSlapd {
  /** `ldap://127.0.0.1:<port>` */
  url: string;
  userDn(uid: string): string;
  groupDn(cn: string): string;
  addUser(uid: string, password: string): Promise<void>;
  /** A groupOfNames with these members (uids). */
  addGroup(cn: string, members: string[]): Promise<void>;
  addMember(cn: string, uid: string): Promise<void>;
  removeMember(cn: string, uid: string): Promise<void>;
  /** modrdn: the entry keeps its members, only its name changes. */
  renameGroup(cn: string, newCn: string): Promise<void>;
  setPassword(uid: string, password: string): Promise<void>;
  /** Disables the account (ppolicy `pwdAccountLockedTime`): binds fail with invalid credentials. */
  lockUser(uid: string): Promise<void>;
  /** BIND operations slapd has logged so far, not counting this helper's own (`as`: only binds of that user). */
  binds(as?: string): number;
  /** slapd's log (stats level: one line per operation). */
  log(): string;
  /** Stops the server, keeping its database (an outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same database. */
  restart(): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers (a hung directory). */
  freeze(): void;
  /** SIGCONT after {@link freeze}. */
  thaw(): void;
  /** Stops the server and removes its directory. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts slapd (Debian `slapd`) with its own slapd.conf — core, cosine, inetorgperson and nis
 * schemas, back_mdb, the memberof overlay (refint on) and the ppolicy overlay — on 127.0.0.1 and
 * a free port, logging at stats level (`-d 256`) so tests can count BINDs. Passwords are readable
 * by nobody; everything else by anyone (anonymous search, as many directories allow).
 */
export async function startSlapd(): Promise<TestSlapd> {
  const dir = await makeTempDir('slapd');
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  await mkdir(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  await writeFile(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'include /etc/ldap/schema/nis.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      'moduleload ppolicy',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'database mdb',
      'maxsize 104857600',
      `suffix "${LDAP_SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${join(dir, 'db')}`,
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by * read',
      'overlay memberof',
      'memberof-refint TRUE',
      'overlay ppolicy',
      `ppolicy_default "cn=default,ou=policies,${LDAP_SUFFIX}"`,
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    const proc = spawn('/usr/sbin/slapd', ['-f', conf, '-h', `${url}/`, '-d', '256'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null) throw new Error(`slapd exited with ${proc.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`slapd did not listen on ${url} within 10 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const modify = async (ldif: string) => {
    await execFileText('ldapmodify', ['-x', '-H', url, '-D', ROOT_DN, '-w', ROOT_PW], { input: ldif, timeoutMs: 10_000 });
  };
  const add = async (ldif: string) => {
    await execFileText('ldapadd', ['-x', '-H', url, '-D', ROOT_DN, '-w', ROOT_PW], { input: ldif, timeoutMs: 10_000 });
  };

  await start();
  await add(
    [
      `dn: ${LDAP_SUFFIX}`,
      'objectClass: dcObject',
      'objectClass: organization',
      'o: corp',
      'dc: corp',
      '',
      `dn: ${LDAP_PEOPLE}`,
      'objectClass: organizationalUnit',
      'ou: people',
      '',
      `dn: ${LDAP_GROUPS}`,
      'objectClass: organizationalUnit',
      'ou: groups',
      '',
      `dn: ou=policies,${LDAP_SUFFIX}`,
      'objectClass: organizationalUnit',
      'ou: policies',
      '',
      `dn: cn=default,ou=policies,${LDAP_SUFFIX}`,
      'objectClass: pwdPolicy',
      'objectClass: device',
      'cn: default',
      'pwdAttribute: userPassword',
      'pwdLockout: TRUE',
      '',
    ].join('\n'),
  );

  const userDn = (uid: string) => `uid=${uid},${LDAP_PEOPLE}`;
  const groupDn = (cn: string) => `cn=${cn},${LDAP_GROUPS}`;
  let closed = false;
  return {
    url,
    userDn,
    groupDn,
    addUser: (uid, password) =>
      add([`dn: ${userDn(uid)}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, `userPassword: ${password}`, ''].join('\n')),
    addGroup: (cn, members) =>
      add([`dn: ${groupDn(cn)}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...(members.length > 0 ? members : ['nobody']).map((m) => `member: ${m === 'nobody' ? `cn=nobody,${LDAP_SUFFIX}` : userDn(m)}`), ''].join('\n')),
    addMember: (cn, uid) => modify([`dn: ${groupDn(cn)}`, 'changetype: modify', 'add: member', `member: ${userDn(uid)}`, ''].join('\n')),
    removeMember: (cn, uid) => modify([`dn: ${groupDn(cn)}`, 'changetype: modify', 'delete: member', `member: ${userDn(uid)}`, ''].join('\n')),
    renameGroup: (cn, newCn) => modify([`dn: ${groupDn(cn)}`, 'changetype: modrdn', `newrdn: cn=${newCn}`, 'deleteoldrdn: 1', ''].join('\n')),
    setPassword: (uid, password) => modify([`dn: ${userDn(uid)}`, 'changetype: modify', 'replace: userPassword', `userPassword: ${password}`, ''].join('\n')),
    lockUser: (uid) => modify([`dn: ${userDn(uid)}`, 'changetype: modify', 'add: pwdAccountLockedTime', 'pwdAccountLockedTime: 000001010000Z', ''].join('\n')),
    binds(as?: string): number {
      const lines = output.split('\n').filter((line) => / BIND dn="[^"]*" method=/.test(line) && !line.includes(`BIND dn="${ROOT_DN}"`));
      return as === undefined ? lines.length : lines.filter((line) => line.includes(`BIND dn="${userDn(as)}"`)).length;
    },
    log: () => output,
    stop,
    restart: start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      await removeDir(dir);
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
