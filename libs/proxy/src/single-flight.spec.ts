import { LruCache } from './lru-cache.js';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('runs concurrent calls with one key once and shares the result', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 20));
    const results = await Promise.all(Array.from({ length: 50 }, () => flight.do('k', slow)));
    expect(runs).toBe(1);
    expect(new Set(results)).toEqual(new Set([1]));
    expect(flight.size).toBe(0);
  });

  it('shares a failure and runs again afterwards', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('boom');
    };
    await expect(Promise.all([flight.do('k', failing), flight.do('k', failing)])).rejects.toThrow('boom');
    expect(runs).toBe(1);
    await expect(flight.do('k', async () => 7)).resolves.toBe(7);
  });

  it('tells whether a key is in flight (a caller would wait) until it settles', async () => {
    const flight = new SingleFlight<number>();
    let finish!: (n: number) => void;
    const running = flight.do('k', () => new Promise<number>((resolve) => (finish = resolve)));
    expect([flight.has('k'), flight.has('other')]).toEqual([true, false]);
    finish(1);
    await running;
    expect(flight.has('k')).toBe(false);
  });

  it('keeps different keys apart', async () => {
    const flight = new SingleFlight<string>();
    expect(await Promise.all([flight.do('a', async () => 'A'), flight.do('b', async () => 'B')])).toEqual(['A', 'B']);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its weight', () => {
    const cache = new LruCache<string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('weighs entries and refuses one heavier than the whole cache', () => {
    const cache = new LruCache<Buffer>(10, (b) => b.length);
    cache.set('big', Buffer.alloc(11));
    expect(cache.get('big')).toBeUndefined();
    cache.set('x', Buffer.alloc(6));
    cache.set('y', Buffer.alloc(6));
    expect(cache.get('x')).toBeUndefined();
    expect(cache.get('y')?.length).toBe(6);
  });
});
