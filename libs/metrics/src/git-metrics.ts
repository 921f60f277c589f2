import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

/** `clone`: a mirror's first fetch; `fetch`: an incremental one; `ls_remote`: a poller's change check. */
export type RemoteOperation = 'clone' | 'fetch' | 'ls_remote';

const remoteOps = new Counter({
  name: 'modgate_git_remote_operations_total',
  help: 'Contacts of a git remote by a mirror (clone, fetch, ls_remote) and result (ok, error).',
  labelNames: ['operation', 'result'] as const,
  registers: [metricsRegistry],
});
const remoteDuration = new Histogram({
  name: 'modgate_git_remote_operation_duration_seconds',
  help: 'Duration of a mirror contacting its git remote, by operation.',
  labelNames: ['operation'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600],
  registers: [metricsRegistry],
});

/** Times one contact of a git remote (clone, fetch or ls-remote). */
export async function timeGitRemote<T>(operation: RemoteOperation, work: () => Promise<T>): Promise<T> {
  const end = remoteDuration.startTimer({ operation });
  try {
    const value = await work();
    remoteOps.inc({ operation, result: 'ok' });
    return value;
  } catch (err) {
    remoteOps.inc({ operation, result: 'error' });
    throw err;
  } finally {
    end();
  }
}

const commands = new Counter({
  name: 'modgate_git_commands_total',
  help: 'git processes run by the process pool, by subcommand and result (ok, error, timeout, killed: its reader stopped early).',
  labelNames: ['command', 'result'] as const,
  registers: [metricsRegistry],
});
const commandDuration = new Histogram({
  name: 'modgate_git_command_duration_seconds',
  help: 'Run time of git processes (from start to exit, not counting the wait for a pool slot), by subcommand.',
  labelNames: ['command'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600],
  registers: [metricsRegistry],
});
const running = new Gauge({
  name: 'modgate_git_processes_running',
  help: 'git processes running now.',
  registers: [metricsRegistry],
});
const waiting = new Gauge({
  name: 'modgate_git_processes_waiting',
  help: 'git commands waiting for a free slot of the process pool.',
  registers: [metricsRegistry],
});

export type GitCommandResult = 'ok' | 'error' | 'timeout' | 'killed';

/** Subcommands modgate runs; anything else is counted as `other` (label values stay a fixed set). */
const KNOWN_COMMANDS = new Set(['archive', 'cat-file', 'config', 'fetch', 'for-each-ref', 'init', 'ls-remote', 'ls-tree', 'merge-base', 'rev-parse', 'show', 'symbolic-ref', 'log', 'gc', 'rev-list']);

/** Bookkeeping of one git process; call `slotAcquired` when it got a slot, `exited` when it is gone. */
export function gitCommandStarted(subcommand: string): { slotAcquired(): void; exited(result: GitCommandResult): void } {
  const command = KNOWN_COMMANDS.has(subcommand) ? subcommand : 'other';
  waiting.inc();
  let end: (() => number) | undefined;
  return {
    slotAcquired() {
      waiting.dec();
      running.inc();
      end = commandDuration.startTimer({ command });
    },
    exited(result) {
      if (!end) {
        waiting.dec();
      } else {
        running.dec();
        end();
      }
      commands.inc({ command, result });
    },
  };
}
