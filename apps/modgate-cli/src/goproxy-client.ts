import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { escapePath, escapeVersion } from '#gomod';
import { Semaphore } from '#vcs';
import { CliError } from './api-client.js';
import type { ModuleVersion } from './go-mod-directives.js';
import { netrcEntryFor } from './netrc.js';

/** The outcome of one GOPROXY request. */
export interface ProxyFetch {
  path: string;
  ok: boolean;
  status: number;
  bytes: number;
  /** The body, for `.mod` files. */
  text?: string;
  /** Why it failed, one line (the server's own text when it sent one). */
  error?: string;
}

/**
 * Fetches GOPROXY files from modgate with the user's credentials (`MODGATE_TOKEN`, else the
 * `.netrc` entry for the server's host), each distinct path once, a few at a time.
 */
export class GoproxyClient {
  private readonly fetches = new Map<string, Promise<ProxyFetch>>();
  private readonly slots: Semaphore;

  constructor(
    readonly baseUrl: string,
    private readonly authorization: string | undefined,
    concurrency = 8,
    private readonly onFinished: (result: ProxyFetch) => void = () => undefined,
    private readonly onStarted: () => void = () => undefined,
  ) {
    this.slots = new Semaphore(concurrency);
  }

  /** `MODGATE_URL`, and `MODGATE_TOKEN` or the `.netrc` (`NETRC`, default `~/.netrc`) entry for its host. */
  static credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): { baseUrl: string; authorization: string | undefined } {
    const url = env.MODGATE_URL;
    if (!url) throw new CliError('set MODGATE_URL to the server, e.g. https://modgate.corp.example');
    const baseUrl = url.replace(/\/+$/, '');
    if (env.MODGATE_TOKEN) return { baseUrl, authorization: `Bearer ${env.MODGATE_TOKEN}` };
    let text: string | undefined;
    try {
      text = readFileSync(env.NETRC || join(env.HOME || homedir(), '.netrc'), 'utf8');
    } catch {
      text = undefined;
    }
    const entry = text === undefined ? undefined : netrcEntryFor(text, new URL(baseUrl).hostname);
    return { baseUrl, authorization: entry ? `Basic ${Buffer.from(`${entry.login}:${entry.password}`).toString('base64')}` : undefined };
  }

  /** GOPROXY path of a module file: `/<escaped path>/@v/<escaped version>.<ext>`. */
  static pathOf(m: ModuleVersion, ext: 'info' | 'mod' | 'zip'): string {
    return `/${escapePath(m.path)}/@v/${escapeVersion(m.version)}.${ext}`;
  }

  /** Number of distinct paths asked for so far. */
  get requested(): number {
    return this.fetches.size;
  }

  /** Fetches `path` (once, however often asked); keeps the body when `keepText`. Never rejects. */
  get(path: string, keepText = false): Promise<ProxyFetch> {
    let fetch = this.fetches.get(path);
    if (!fetch) {
      this.onStarted();
      fetch = this.slots.use(() => this.fetchOnce(path, keepText)).then((result) => {
        this.onFinished(result);
        return result;
      });
      this.fetches.set(path, fetch);
    }
    return fetch;
  }

  private async fetchOnce(path: string, keepText: boolean): Promise<ProxyFetch> {
    const headers: Record<string, string> = {};
    if (this.authorization) headers.authorization = this.authorization;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(10 * 60_000) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      return { path, ok: false, status: 0, bytes: 0, error: `cannot reach ${this.baseUrl}: ${cause?.message ?? (err as Error).message}` };
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).trim().split('\n')[0]!.replace(/^modgate: /, '');
      return { path, ok: false, status: response.status, bytes: 0, error: `${response.status} ${text || response.statusText}` };
    }
    if (keepText) {
      const body = Buffer.from(await response.arrayBuffer());
      return { path, ok: true, status: response.status, bytes: body.length, text: body.toString('utf8') };
    }
    let bytes = 0;
    try {
      for await (const chunk of response.body ?? []) bytes += (chunk as Uint8Array).length;
    } catch (err) {
      return { path, ok: false, status: response.status, bytes, error: `download broke off: ${(err as Error).message}` };
    }
    return { path, ok: true, status: response.status, bytes };
  }
}
