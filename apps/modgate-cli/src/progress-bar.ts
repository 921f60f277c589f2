/** One line of export progress: `[#####-----]  50%  500 / 1,000 events  1.2 MB`. */
export function progressLine(done: number, total: number | null, bytes: number, width = 30): string {
  const size = `${(bytes / 1e6).toFixed(1)} MB`;
  if (!total) return `${done.toLocaleString('en-US')} events  ${size}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events  ${size}`;
}

/** Redraws a progress line on a terminal at most every 100 ms; silent when `out` is not a TTY. */
export class ProgressBar {
  private last = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number | null,
  ) {}

  update(done: number, bytes: number, force = false): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.out.write(`\r${progressLine(done, this.total, bytes)}\x1b[K`);
  }

  finish(done: number, bytes: number): void {
    if (!this.out.isTTY) return;
    this.update(done, bytes, true);
    this.out.write('\n');
  }
}
