import { BadRangeError, compileRange, firstFixedAbove, goVersion, inIntervals } from './affected-ranges.js';

describe('OSV SEMVER ranges of the Go vulnerability database', () => {
  const cases: Array<{ name: string; events: Array<Record<string, string>>; affected: string[]; safe: string[] }> = [
    { name: 'introduced 0, fixed', events: [{ introduced: '0' }, { fixed: '1.1.0' }], affected: ['v0.0.1', 'v1.0.0', 'v1.1.0-rc.1'], safe: ['v1.1.0', 'v2.0.0'] },
    { name: 'introduced later, no fix', events: [{ introduced: '1.2.0' }], affected: ['v1.2.0', 'v9.9.9'], safe: ['v1.1.9', 'v1.2.0-pre'] },
    {
      name: 'several intervals in one range',
      events: [{ introduced: '0' }, { fixed: '0.0.5' }, { introduced: '0.1.0' }, { fixed: '0.1.1' }],
      affected: ['v0.0.4', 'v0.1.0', 'v0.1.1-0.20240110120000-abcdefabcdef'],
      safe: ['v0.0.5', 'v0.0.9', 'v0.1.1', 'v0.2.0'],
    },
    { name: 'last_affected is included', events: [{ introduced: '1.0.0' }, { last_affected: '1.0.3' }], affected: ['v1.0.0', 'v1.0.3'], safe: ['v1.0.4', 'v0.9.0'] },
    { name: 'limit cuts the range off', events: [{ introduced: '1.0.0' }, { limit: '1.5.0' }], affected: ['v1.4.9'], safe: ['v1.5.0', 'v2.0.0'] },
    { name: 'events out of order are sorted', events: [{ fixed: '2.0.1' }, { introduced: '2.0.0' }], affected: ['v2.0.0'], safe: ['v2.0.1', 'v1.9.0'] },
    { name: 'pseudo-versions compare by semver', events: [{ introduced: '0' }, { fixed: '0.1.1' }], affected: ['v0.1.1-0.20240110120000-abcdefabcdef'], safe: ['v0.1.2-0.20240110120000-abcdefabcdef'] },
  ];
  for (const { name, events, affected, safe } of cases) {
    it(name, () => {
      const intervals = compileRange(events);
      for (const v of affected) expect([v, inIntervals(intervals, v)]).toEqual([v, true]);
      for (const v of safe) expect([v, inIntervals(intervals, v)]).toEqual([v, false]);
    });
  }

  it('names the first fixed version above the requested one', () => {
    const intervals = compileRange([{ introduced: '0' }, { fixed: '0.0.5' }, { introduced: '0.1.0' }, { fixed: '0.1.1' }]);
    expect(firstFixedAbove(intervals, 'v0.0.1')).toBe('v0.0.5');
    expect(firstFixedAbove(intervals, 'v0.1.0')).toBe('v0.1.1');
    expect(firstFixedAbove(compileRange([{ introduced: '1.2.0' }]), 'v1.3.0')).toBeNull();
  });

  it('reads versions without the v the database writes, and refuses what is not semver', () => {
    expect(goVersion('1.2.3')).toBe('v1.2.3');
    expect(goVersion('0')).toBeUndefined();
    expect(() => goVersion('1.2')).toThrow(BadRangeError);
    expect(() => compileRange([{ fixed: '0' }])).toThrow(BadRangeError);
    expect(() => compileRange([{ introduced: '0', fixed: '1.0.0' }])).toThrow(BadRangeError);
  });
});
