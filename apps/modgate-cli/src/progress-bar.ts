/** One line of progress: `[#####-----]  50%  500 / 1,000 events  1.2 MB`. */
export function progressLine(done: number, total: number | null, bytes: number, unit = 'events', width = 30): string {
  const size = `${(bytes / 1e6).toFixed(1)} MB`;
  if (!total) return `${done.toLocaleString('en-US')} ${unit}  ${size}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} ${unit}  ${size}`;
}

export interface ProgressBarOptions {
  /** What is counted (default `events`). */
  unit?: string;
  /** Draw even when `out` is not a terminal (`--progress`, like git's). */
  force?: boolean;
}

/** Redraws a progress line on a terminal at most every 100 ms; silent when `out` is not a TTY (unless forced). */
export class ProgressBar {
  private last = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private total: number | null,
    private readonly options: ProgressBarOptions = {},
  ) {}

  /** The total grows as work is discovered (a module graph being walked). */
  setTotal(total: number | null): void {
    this.total = total;
  }

  update(done: number, bytes: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.out.write(`\r${progressLine(done, this.total, bytes, this.options.unit)}\x1b[K`);
  }

  finish(done: number, bytes: number): void {
    if (!this.enabled) return;
    this.update(done, bytes, true);
    this.out.write('\n');
  }

  private get enabled(): boolean {
    return Boolean(this.out.isTTY || this.options.force);
  }
}
