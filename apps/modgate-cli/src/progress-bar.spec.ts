import { progressLine } from './progress-bar.js';

describe('progressLine', () => {
  it.each([
    [0, 1000, 0, '[------------------------------]   0%  0 / 1,000 events  0.0 MB'],
    [500, 1000, 1_250_000, '[###############---------------]  50%  500 / 1,000 events  1.3 MB'],
    [1000, 1000, 2_000_000, '[##############################] 100%  1,000 / 1,000 events  2.0 MB'],
    [1200, 1000, 0, '[##############################] 100%  1,200 / 1,000 events  0.0 MB'],
    [42, null, 1_000, '42 events  0.0 MB'],
  ])('%d of %s', (done, total, bytes, expected) => {
    expect(progressLine(done, total, bytes)).toBe(expected);
  });
});

describe('progressLine units', () => {
  it('names what it counts', () => {
    expect(progressLine(3, 12, 2_500_000, 'files')).toBe('[########----------------------]  25%  3 / 12 files  2.5 MB');
  });
});
