import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `<root>/test/support/modgate-process.ts`). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The built server, relative to the repository root (`npm run build` makes it). */
export const MODGATE_ENTRY = 'dist/apps/modgate/src/main.js';

export interface StartModgateOptions {
  /** The server's configuration (MODGATE_LISTEN, MODGATE_TLS_*, DATABASE_URL, ...), over PATH and HOME. */
  env: Record<string, string>;
  /** Working directory; default the repository root. */
  cwd?: string;
  /** Script to run with node, absolute or relative to the repository root; default {@link MODGATE_ENTRY}. */
  entry?: string;
  /** CA certificate (PEM file) to verify the server's TLS certificate while polling /healthz. */
  caCert?: string;
  /** How long to wait for /healthz to answer 200; default 60 s (the embedded database applies its migrations first: slow on a busy machine). */
  readyTimeoutMs?: number;
}

/** A running server process started by {@link startModgate}. */
export interface ModgateProcess {
  /** `http(s)://<host>:<port>` derived from MODGATE_LISTEN and the TLS variables. */
  url: string;
  pid: number;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  stdout(): string;
  /** Resolves once the output matches `pattern` (polled every 50 ms); rejects with the output after `timeoutMs` (default 20 s). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` (default SIGTERM), waits for the exit (SIGKILL after 10 s); resolves with the exit code, null if ended by a signal. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL, as in a crash; resolves once the process is gone. */
  kill9(): Promise<void>;
}

/**
 * Spawns `node <entry>` with `env` over a minimal base environment (PATH, HOME) and waits until
 * `GET <url>/healthz` answers 200 (polled every 100 ms). Rejects — with the captured output —
 * when the process exits first or is not ready in time (then it is killed).
 */
export async function startModgate(opts: StartModgateOptions): Promise<ModgateProcess> {
  const entry = opts.entry ?? MODGATE_ENTRY;
  const script = isAbsolute(entry) ? entry : resolve(REPO_ROOT, entry);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...opts.env,
  };
  const tls = Boolean(env.MODGATE_TLS_CERT && env.MODGATE_TLS_KEY);
  const url = modgateUrl(env.MODGATE_LISTEN ?? '127.0.0.1:8080', tls);
  const ca = opts.caCert ? await readFile(opts.caCert) : undefined;

  const child = spawn(process.execPath, [script], { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
    child.once('error', (error) => {
      output += `\n[spawn error] ${error.message}\n`;
      resolveExit({ code: null, signal: null });
    });
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (exit = e));

  const waitExit = async (signal: NodeJS.Signals): Promise<number | null> => {
    let timer: NodeJS.Timeout | undefined;
    if (!exit) {
      child.kill(signal);
      timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    }
    const { code } = await exited;
    clearTimeout(timer);
    return code;
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exit) {
      throw new Error(`${entry} exited (code ${exit.code}, signal ${exit.signal}) before ${url}/healthz answered 200\n--- output\n${output}`);
    }
    if ((await healthStatus(url, ca)) === 200) break;
    if (Date.now() > deadline) {
      await waitExit('SIGKILL');
      throw new Error(`${url}/healthz did not answer 200 within ${opts.readyTimeoutMs ?? 60_000} ms\n--- output\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    pid: child.pid ?? -1,
    stdout: () => output,
    waitForOutput: async (pattern: RegExp, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > until) throw new Error(`output did not match ${pattern} within ${timeoutMs} ms\n--- output\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: (signal: NodeJS.Signals = 'SIGTERM') => waitExit(signal),
    kill9: async () => {
      await waitExit('SIGKILL');
    },
  };
}

/**
 * The base URL for a MODGATE_LISTEN `host:port` (`[v6]:port` too). A wildcard host
 * (0.0.0.0, ::, empty) is reached through loopback.
 */
export function modgateUrl(listen: string, tls: boolean): string {
  const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!match) throw new Error(`MODGATE_LISTEN must be host:port, got ${JSON.stringify(listen)}`);
  const v6 = match[1];
  const port = match[3];
  let host = v6 !== undefined ? `[${v6}]` : (match[2] ?? '');
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '[::]') host = '[::1]';
  return `${tls ? 'https' : 'http'}://${host}:${port}`;
}

/** Status of one GET /healthz, or 0 when it could not connect (or took over 2 s). */
function healthStatus(url: string, ca: Buffer | undefined): Promise<number> {
  return new Promise((resolveStatus) => {
    const target = new URL('/healthz', url);
    const options = { timeout: 2_000, agent: false, ...(target.protocol === 'https:' ? (ca ? { ca } : { rejectUnauthorized: false }) : {}) };
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
    req.end();
  });
}
