/** Releases a slot taken with {@link Semaphore.acquire}; calling it more than once is harmless. */
export type Release = () => void;

/** A counting semaphore with a FIFO wait queue (a mutex when `capacity` is 1). */
export class Semaphore {
  private readonly waiters: Array<() => void> = [];
  private inUse = 0;
  private highWater = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`semaphore capacity must be a positive integer, got ${capacity}`);
  }

  /** Slots taken now. */
  get active(): number {
    return this.inUse;
  }

  /** The most slots ever taken at once. */
  get maxSeen(): number {
    return this.highWater;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for a free slot and takes it. */
  async acquire(): Promise<Release> {
    if (this.inUse < this.capacity) {
      this.take();
    } else {
      // The releasing caller hands its slot straight to us, so a newcomer cannot overtake the queue.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.inUse--;
    };
  }

  /** Runs `fn` holding one slot. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private take(): void {
    this.inUse++;
    this.highWater = Math.max(this.highWater, this.inUse);
  }
}
