import type { ApiClient } from './api-client.js';
import { CliError, UsageError } from './api-client.js';
import { parseFlags } from './cli-flags.js';

export const SYNC_USAGE = `usage: modgate sync <module path or repository root>

Fetches the private repository now, refreshes its versions and pre-builds new ones; follows the
job until it ends (exit status 1 if it failed).`;

interface JobState {
  state: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
  codeRoot: string;
}

/** `modgate sync <module or repository>`: queues a sync and follows it until it ends. */
export async function syncCommand(api: ApiClient, args: string[], out: NodeJS.WriteStream = process.stderr): Promise<void> {
  const { positional } = parseFlags(args, []);
  const [target] = positional;
  if (!target || positional.length !== 1) throw new UsageError('expected one module path or repository root');
  const { job, codeRoot } = await api.request<{ job: string; codeRoot: string }>('POST', '/api/sync', { target });
  const started = Date.now();
  const frames = ['|', '/', '-', '\\'];
  let frame = 0;
  let last: JobState | undefined;
  for (;;) {
    last = await api.request<JobState>('GET', `/api/sync/jobs/${job}`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const note = last.lastError ? ` (retrying: ${last.lastError})` : '';
    if (out.isTTY) out.write(`\r${frames[frame++ % frames.length]} sync ${codeRoot}: ${last.state}, attempt ${last.attempts}, ${seconds} s${note}\x1b[K`);
    if (last.state === 'done' || last.state === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (out.isTTY) out.write('\n');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (last.state === 'failed') throw new CliError(`sync of ${codeRoot} failed after ${last.attempts} attempts: ${last.lastError ?? 'unknown error'}`);
  process.stdout.write(`synced ${codeRoot} (job ${job}) in ${seconds} s\n`);
}
