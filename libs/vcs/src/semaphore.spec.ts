import { Semaphore } from './semaphore.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('lets `capacity` holders in and queues the rest in FIFO order', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    const releases = await Promise.all([sem.acquire(), sem.acquire()]);
    const waiting = [3, 4, 5].map((n) => sem.acquire().then((release) => (order.push(n), release)));
    await tick();
    expect([sem.active, sem.waiting, order]).toEqual([2, 3, []]);
    releases[0]?.();
    releases[0]?.(); // a second call must not free another slot
    await tick();
    expect([sem.active, sem.waiting, order]).toEqual([2, 2, [3]]);
    releases[1]?.();
    (await waiting[0])();
    await Promise.all(waiting.slice(1).map(async (p) => (await p)()));
    expect(order).toEqual([3, 4, 5]);
    expect([sem.active, sem.maxSeen, sem.waiting]).toEqual([0, 2, 0]);
  });

  it('releases the slot when the function given to `use` fails', async () => {
    const sem = new Semaphore(1);
    await expect(sem.use(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(sem.active).toBe(0);
    await expect(sem.use(async () => 'ok')).resolves.toBe('ok');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses capacity %p', (capacity) => {
    expect(() => new Semaphore(capacity)).toThrow(RangeError);
  });
});
