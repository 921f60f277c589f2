import {
  build,
  canonical,
  canonicalVersion,
  compareSemver,
  isCanonicalVersion,
  isValidSemver,
  major,
  majorMinor,
  maxVersion,
  prerelease,
  sortVersions,
} from './semver.js';

describe('semver parsing', () => {
  // [version, canonical, major, majorMinor, prerelease, build]; canonical "" means invalid.
  it.each([
    ['v1', 'v1.0.0', 'v1', 'v1.0', '', ''],
    ['v1.2', 'v1.2.0', 'v1', 'v1.2', '', ''],
    ['v1.2.3+meta', 'v1.2.3', 'v1', 'v1.2', '', '+meta'],
    ['v1.0.0', 'v1.0.0', 'v1', 'v1.0', '', ''],
    ['v0.0.0', 'v0.0.0', 'v0', 'v0.0', '', ''],
    ['v1.2.3-pre', 'v1.2.3-pre', 'v1', 'v1.2', '-pre', ''],
    ['v1.2.3-pre+meta', 'v1.2.3-pre', 'v1', 'v1.2', '-pre', '+meta'],
    ['v1.2.3-pre.1', 'v1.2.3-pre.1', 'v1', 'v1.2', '-pre.1', ''],
    ['v1.2.3-456', 'v1.2.3-456', 'v1', 'v1.2', '-456', ''],
    ['v1.2.3-456-789', 'v1.2.3-456-789', 'v1', 'v1.2', '-456-789', ''],
    ['v1.2.3-456a', 'v1.2.3-456a', 'v1', 'v1.2', '-456a', ''],
    ['v1.2.3-0a', 'v1.2.3-0a', 'v1', 'v1.2', '-0a', ''],
    ['v1.2.3-0', 'v1.2.3-0', 'v1', 'v1.2', '-0', ''],
    ['v1.2.3+meta-pre.sha.256a', 'v1.2.3', 'v1', 'v1.2', '', '+meta-pre.sha.256a'],
    ['v1.2.3+0001', 'v1.2.3', 'v1', 'v1.2', '', '+0001'],
    ['v2.0.0+incompatible', 'v2.0.0', 'v2', 'v2.0', '', '+incompatible'],
    ['v123456789012345678901234567890.0.0', 'v123456789012345678901234567890.0.0', 'v123456789012345678901234567890', 'v123456789012345678901234567890.0', '', ''],
    ['1.2.3', '', '', '', '', ''],
    ['V1.2.3', '', '', '', '', ''],
    ['v1.2.3.4', '', '', '', '', ''],
    ['v01.2.3', '', '', '', '', ''],
    ['v1.02.3', '', '', '', '', ''],
    ['v1.2.03', '', '', '', '', ''],
    ['v1.2.3-01', '', '', '', '', ''],
    ['v1.2.3-pre.01', '', '', '', '', ''],
    ['v1.2-pre', '', '', '', '', ''],
    ['v1.2+b', '', '', '', '', ''],
    ['v1-pre', '', '', '', '', ''],
    ['v1+meta', '', '', '', '', ''],
    ['v1.2.3-', '', '', '', '', ''],
    ['v1.2.3+', '', '', '', '', ''],
    ['v1.2.3-a..b', '', '', '', '', ''],
    ['v1.2.3+a..b', '', '', '', '', ''],
    ['v1.2.3-a_b', '', '', '', '', ''],
    ['v1.2.3 ', '', '', '', '', ''],
    ['v', '', '', '', '', ''],
    ['', '', '', '', '', ''],
    ['bad', '', '', '', '', ''],
  ])('%j', (v, canon, maj, majMin, pre, bld) => {
    expect(isValidSemver(v)).toBe(canon !== '');
    expect(canonical(v)).toBe(canon);
    expect(major(v)).toBe(maj);
    expect(majorMinor(v)).toBe(majMin);
    expect(prerelease(v)).toBe(pre);
    expect(build(v)).toBe(bld);
  });
});

describe('canonicalVersion', () => {
  it.each([
    ['v2.0.0+incompatible', 'v2.0.0+incompatible', true],
    ['v2+incompatible', '', false],
    ['v2.0.0+meta', 'v2.0.0', false],
    ['v2.0.0-pre+incompatible', 'v2.0.0-pre+incompatible', true],
    ['v1.2', 'v1.2.0', false],
    ['v1.2.0', 'v1.2.0', true],
    ['v1.2.0+incompatible.x', 'v1.2.0', false],
    ['', '', false],
    ['latest', '', false],
  ])('%j', (v, canon, isCanon) => {
    expect(canonicalVersion(v)).toBe(canon);
    expect(isCanonicalVersion(v)).toBe(isCanon);
  });
});

describe('compareSemver', () => {
  // Spec §11 vector 4, ascending.
  const ascending = [
    'v1.0.0-alpha',
    'v1.0.0-alpha.1',
    'v1.0.0-alpha.beta',
    'v1.0.0-beta',
    'v1.0.0-beta.2',
    'v1.0.0-beta.11',
    'v1.0.0-rc.1',
    'v1.0.0',
  ];
  it.each(ascending.slice(1).map((v, i) => [ascending[i]!, v]))('%s < %s', (lo, hi) => {
    expect(compareSemver(lo, hi)).toBe(-1);
    expect(compareSemver(hi, lo)).toBe(1);
  });

  it.each([
    ['v1.0.0-2', 'v1.0.0-10', -1],
    ['v1.0.0-10', 'v1.0.0-a', -1],
    ['v1.0.0-a', 'v1.0.0-B', 1],
    ['v1.0.0-1a', 'v1.0.0-2', 1],
    ['v1.0.0-alpha', 'v1.0.0-alpha.0', -1],
    ['v1', 'v1.0.0', 0],
    ['v1.2', 'v1.2.0', 0],
    ['v1.2.3+a', 'v1.2.3+b', 0],
    ['v1.2.3', 'v1.10.0', -1],
    ['v9.0.0', 'v10.0.0', -1],
    ['v2.0.0', 'v1.99.99', 1],
    ['v1.0.0-rc.1', 'v1.0.0', -1],
    ['v2.0.0+incompatible', 'v2.0.0', 0],
    ['bad', 'v0.0.0', -1],
    ['v0.0.0', 'bad', 1],
    ['bad', 'worse', 0],
    ['', 'bad', 0],
  ])('%s vs %s', (a, b, want) => {
    expect(compareSemver(a, b)).toBe(want);
  });
});

describe('sortVersions', () => {
  it.each([
    [['v1.10.0', 'v1.2.0', 'v1.2.0-pre', 'bad', 'v1.9.0'], ['bad', 'v1.2.0-pre', 'v1.2.0', 'v1.9.0', 'v1.10.0']],
    [['v1.0.0+b', 'v1.0.0', 'v1.0.0+a', 'v1'], ['v1', 'v1.0.0', 'v1.0.0+a', 'v1.0.0+b']],
    [['z', 'a', 'v0.1.0'], ['a', 'z', 'v0.1.0']],
    [[], []],
  ])('%j', (input, expected) => {
    const copy = [...input];
    expect(sortVersions(input)).toEqual(expected);
    expect(input).toEqual(copy);
  });
});

describe('maxVersion', () => {
  it.each([
    ['v1.2.3', 'v1.10.0', 'v1.10.0'],
    ['v1.2', 'v1.1.9', 'v1.2.0'],
    ['bad', 'v0.1.0', 'v0.1.0'],
    ['v1.0.0+meta', 'bad', 'v1.0.0'],
  ])('max(%s, %s)', (a, b, want) => {
    expect(maxVersion(a, b)).toBe(want);
  });
});
