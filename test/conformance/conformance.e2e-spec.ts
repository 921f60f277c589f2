import { join } from 'node:path';
import { makeTempDir, removeDir, type Stack } from '../support/index.js';
import { CONFORMANCE_CASES } from './cases.js';
import {
  CONFORMANCE_LIST_TTL_SECONDS,
  formatDirect,
  formatReport,
  predictionProblems,
  prepareConformance,
  runDirectSide,
  runListedAfterDownloads,
  runModgateSide,
  type ConformanceSetup,
  type ModgateTarget,
} from './harness.js';
import { startConformanceModgate } from './modgate-setup.js';

/**
 * The conformance suite: fixture git repositories built with the git CLI, each read by the real go
 * command twice — directly (GOPROXY=direct, the oracle) and through modgate — with identical
 * version lists, versions, hashes, `.info` times and `.mod` bytes, or the same refusal, expected.
 * Then, with every download stored and the list TTL passed, each case is listed again (its
 * `(listed after downloads)` result): lists and `@latest` must still be what direct mode computes.
 * CONFORMANCE_VERBOSE=1 prints the oracle's answers; CONFORMANCE_KEEP=1 keeps the work directory.
 */
describe('conformance: modgate answers what the go command answers reading git directly', () => {
  let workDir: string;
  let setup: ConformanceSetup;
  let starting: ReturnType<typeof startConformanceModgate> | undefined;
  let stack: Stack | undefined;
  let target: ModgateTarget | undefined;
  let startError: unknown;

  beforeAll(async () => {
    workDir = await makeTempDir('conformance');
    // modgate starts while the fixtures are built and read directly: it reads them only when asked.
    starting = startConformanceModgate(join(workDir, 'repos'));
    starting.catch(() => undefined);
    setup = await prepareConformance(CONFORMANCE_CASES, workDir);
    const [direct, started] = await Promise.allSettled([runDirectSide(setup), starting]);
    if (started.status === 'fulfilled') ({ stack, target } = started.value);
    else startError = started.reason;
    // A failing oracle is a broken harness, not a mismatch.
    if (direct.status === 'rejected') throw direct.reason;
    if (process.env.CONFORMANCE_VERBOSE === '1') console.log(formatDirect(setup));
  }, 300_000);

  afterAll(async () => {
    await (stack ?? (await starting?.catch(() => undefined))?.stack)?.stop();
    if (workDir && process.env.CONFORMANCE_KEEP !== '1') await removeDir(workDir);
    else if (workDir) console.log(`conformance work directory kept: ${workDir}`);
  });

  it('has at least 30 cases', () => {
    expect(CONFORMANCE_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it('the oracle (direct-mode go) answers what the spec predicts, so the fixtures are what they claim', async () => {
    expect(await predictionProblems(setup)).toEqual([]);
  });

  it('modgate gives the go command the same lists, versions, hashes, times and .mod bytes, or the same refusal', async () => {
    if (!target) throw new Error(`modgate did not start: ${String(startError)}`);
    const downloaded = await runModgateSide(setup, target);
    await new Promise((resolve) => setTimeout(resolve, CONFORMANCE_LIST_TTL_SECONDS * 1000 + 200));
    const results = [...downloaded, ...(await runListedAfterDownloads(setup, target))];
    console.log(formatReport(results));
    const mismatches = results.flatMap((r) => r.mismatches).map((m) => `${m.case} | ${m.item} | ${m.field}`);
    if (mismatches.length > 0 && stack) console.log(`modgate output (last 40 lines):\n${stack.modgate.stdout().split('\n').slice(-40).join('\n')}`);
    expect(mismatches).toEqual([]);
  }, 1_200_000);
});
