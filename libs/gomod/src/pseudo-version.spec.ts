import { GoModError } from './errors.js';
import {
  isPseudoVersion,
  isPseudoVersionForm1,
  isPseudoVersionZero,
  pseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
  pseudoVersionTimestamp,
  zeroPseudoVersion,
} from './pseudo-version.js';

const t = new Date('2020-01-02T03:04:05Z');
const rev = 'abcdef123456';

function errorOf(f: () => unknown): string {
  try {
    f();
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(GoModError);
    return (err as Error).message;
  }
}

describe('pseudoVersion', () => {
  // Spec §11 vector 5 and §4.1/§4.2.
  it.each([
    ['no base', '', '', t, 'v0.0.0-20200102030405-abcdef123456'],
    ['release base', '', 'v1.2.3', t, 'v1.2.4-0.20200102030405-abcdef123456'],
    ['patch 9 carries', '', 'v1.9.9', t, 'v1.9.10-0.20200102030405-abcdef123456'],
    ['patch 99 carries', '', 'v1.2.99', t, 'v1.2.100-0.20200102030405-abcdef123456'],
    ['huge patch', '', 'v1.2.99999999999999999999', t, 'v1.2.100000000000000000000-0.20200102030405-abcdef123456'],
    ['prerelease base', '', 'v1.2.3-pre', t, 'v1.2.3-pre.0.20200102030405-abcdef123456'],
    ['pseudoMajor v2, no base', 'v2', '', t, 'v2.0.0-20200102030405-abcdef123456'],
    ['incompatible kept', '', 'v2.1.0+incompatible', t, 'v2.1.1-0.20200102030405-abcdef123456+incompatible'],
    ['incompatible prerelease', '', 'v3.0.0-beta+incompatible', t, 'v3.0.0-beta.0.20200102030405-abcdef123456+incompatible'],
    ['other build metadata kept', '', 'v1.2.3+meta', t, 'v1.2.4-0.20200102030405-abcdef123456+meta'],
    ['short base', '', 'v1.2', t, 'v1.2.1-0.20200102030405-abcdef123456'],
    ['time zone folded to UTC', '', 'v1.2.3', new Date('2020-01-02T05:04:05+02:00'), 'v1.2.4-0.20200102030405-abcdef123456'],
    ['invalid base ignored', 'v0', 'not-a-version', t, 'v0.0.0-20200102030405-abcdef123456'],
  ])('%s', (_name, major, older, time, expected) => {
    const v = pseudoVersion(major, older, time, rev);
    expect(v).toBe(expected);
    expect(isPseudoVersion(v)).toBe(true);
  });
});

describe('isPseudoVersion', () => {
  it.each([
    ['v0.0.0-20200102030405-abcdef123456', true, true],
    ['v1.2.4-0.20200102030405-abcdef123456', true, false],
    ['v1.2.3-pre.0.20200102030405-abcdef123456', true, false],
    ['v2.0.0-20200102030405-abcdef123456+incompatible', true, true],
    ['v1.2.4-0.20200102030405-abcdef123456+incompatible', true, false],
    ['v0.0.0-20200102030405-ABC', true, true],
    ['v1.3.0-0.20200102030405-abcdef123456', true, false],
    ['v0.0.0-2020010203040-abcdef123456', false, false],
    ['v0.0.0-20200102030405', false, false],
    ['v1.2.3-20200102030405-abcdef123456', false, false],
    ['v1.2.3', false, false],
    ['v1.2.4-1.20200102030405-abcdef123456', false, false],
    ['v1.2.4-0.20200102030405-abc_def', false, false],
    ['v0.0.0-20200102030405-abcdef123456+', false, false],
    ['1.0.0-20200102030405-abcdef123456', false, false],
    ['', false, false],
  ])('%j', (v, is, form1) => {
    expect(isPseudoVersion(v)).toBe(is);
    expect(isPseudoVersionForm1(v)).toBe(form1);
  });
});

describe('pseudoVersionBase', () => {
  it.each([
    ['v0.0.0-20200102030405-abcdef123456', ''],
    ['v2.0.0-20200102030405-abcdef123456', ''],
    ['v1.2.4-0.20200102030405-abcdef123456', 'v1.2.3'],
    ['v1.2.10-0.20200102030405-abcdef123456', 'v1.2.9'],
    ['v1.2.100-0.20200102030405-abcdef123456', 'v1.2.99'],
    ['v1.2.1-0.20200102030405-abcdef123456', 'v1.2.0'],
    ['v1.2.3-pre.0.20200102030405-abcdef123456', 'v1.2.3-pre'],
    ['v1.2.3-0.0.20200102030405-abcdef123456', 'v1.2.3-0'],
    ['v1.2.4-0.20200102030405-abcdef123456+incompatible', 'v1.2.3+incompatible'],
  ])('%s', (v, base) => {
    expect(pseudoVersionBase(v)).toBe(base);
  });

  it.each([
    ['negative patch', 'v1.3.0-0.20200102030405-abcdef123456', 'pseudo-version "v1.3.0-0.20200102030405-abcdef123456" invalid: version before v1.3.0 would have negative patch number'],
    ['build on form 1', 'v0.0.0-20200102030405-abcdef123456+incompatible', 'pseudo-version "v0.0.0-20200102030405-abcdef123456+incompatible" invalid: lacks base version, but has build metadata "+incompatible"'],
    ['not a pseudo-version', 'v1.2.3', 'pseudo-version "v1.2.3" invalid: syntax error'],
  ])('%s', (_name, v, message) => {
    expect(errorOf(() => pseudoVersionBase(v))).toBe(message);
  });

  it('accepts form 1 with +incompatible once cmd/go has stripped it', () => {
    const v = 'v2.0.0-20200102030405-abcdef123456+incompatible';
    expect(pseudoVersionBase(v.replace(/\+incompatible$/, ''))).toBe('');
  });
});

describe('pseudoVersionTime and pseudoVersionRev', () => {
  it.each([
    ['v0.0.0-20200102030405-abcdef123456', '2020-01-02T03:04:05.000Z', '20200102030405', 'abcdef123456'],
    ['v1.2.4-0.20200229235959-abc+incompatible', '2020-02-29T23:59:59.000Z', '20200229235959', 'abc'],
    ['v1.2.3-pre.0.19991231000000-0123456789ab', '1999-12-31T00:00:00.000Z', '19991231000000', '0123456789ab'],
    ['v0.0.0-00010101000000-000000000000', '0001-01-01T00:00:00.000Z', '00010101000000', '000000000000'],
  ])('%s', (v, iso, ts, r) => {
    expect(pseudoVersionTime(v).toISOString()).toBe(iso);
    expect(pseudoVersionTimestamp(v)).toBe(ts);
    expect(pseudoVersionRev(v)).toBe(r);
  });

  it.each([
    ['month 13', 'v0.0.0-20201302030405-abcdef123456'],
    ['month 0', 'v0.0.0-20200002030405-abcdef123456'],
    ['February 30', 'v0.0.0-20200230030405-abcdef123456'],
    ['February 29 of 2019', 'v0.0.0-20190229030405-abcdef123456'],
    ['February 29 of 1900', 'v0.0.0-19000229030405-abcdef123456'],
    ['hour 24', 'v0.0.0-20200102240405-abcdef123456'],
    ['minute 60', 'v0.0.0-20200102036005-abcdef123456'],
    ['second 60', 'v0.0.0-20200102030460-abcdef123456'],
  ])('rejects %s', (_name, v) => {
    const ts = v.split('-')[1];
    expect(errorOf(() => pseudoVersionTime(v))).toBe(`pseudo-version "${v}" invalid: malformed time "${ts}"`);
  });

  it('rejects a non-pseudo-version', () => {
    expect(errorOf(() => pseudoVersionRev('v1.0.0'))).toBe('pseudo-version "v1.0.0" invalid: syntax error');
  });
});

describe('zero pseudo-versions', () => {
  it.each([
    ['', 'v0.0.0-00010101000000-000000000000'],
    ['v0', 'v0.0.0-00010101000000-000000000000'],
    ['v2', 'v2.0.0-00010101000000-000000000000'],
  ])('major %j', (major, expected) => {
    expect(zeroPseudoVersion(major)).toBe(expected);
    expect(isPseudoVersionZero(expected)).toBe(true);
  });

  it.each([['v0.0.0-00010101000000-000000000001'], ['v1.0.0'], ['v0.0.0-20200102030405-abcdef123456']])('%s is not zero', (v) => {
    expect(isPseudoVersionZero(v)).toBe(false);
  });
});
