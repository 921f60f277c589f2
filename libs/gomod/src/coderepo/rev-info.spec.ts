import { goTime, infoJson } from './rev-info.js';

const hash = '80d85c5d4d17598a0e9055e7c175a32b415d6128';
const time = new Date('2018-02-19T23:10:06Z');

describe('infoJson (the .info cmd/go writes)', () => {
  it.each([
    ['a tag of a root module', { version: 'v1.0.0', time, commit: hash, ref: 'refs/tags/v1.0.0' }, '',
      `{"Version":"v1.0.0","Time":"2018-02-19T23:10:06Z","Origin":{"VCS":"git","URL":"https://example.com/r","Hash":"${hash}","Ref":"refs/tags/v1.0.0"}}`],
    ['a subdirectory module', { version: 'v1.0.4', time, commit: hash, ref: 'refs/tags/submod/v1.0.4' }, 'submod',
      `{"Version":"v1.0.4","Time":"2018-02-19T23:10:06Z","Origin":{"VCS":"git","URL":"https://example.com/r","Subdir":"submod","Hash":"${hash}","Ref":"refs/tags/submod/v1.0.4"}}`],
    ['a pseudo-version (Ref cleared)', { version: 'v0.0.0-20180219231006-80d85c5d4d17', time, commit: hash, ref: 'refs/heads/main' }, '',
      `{"Version":"v0.0.0-20180219231006-80d85c5d4d17","Time":"2018-02-19T23:10:06Z","Origin":{"VCS":"git","URL":"https://example.com/r","Hash":"${hash}"}}`],
    ['no ref (bare hash)', { version: 'v1.0.0', time, commit: hash }, '',
      `{"Version":"v1.0.0","Time":"2018-02-19T23:10:06Z","Origin":{"VCS":"git","URL":"https://example.com/r","Hash":"${hash}"}}`],
    ['HEAD of an +incompatible version', { version: 'v2.0.0+incompatible', time, commit: hash, ref: 'HEAD' }, '',
      `{"Version":"v2.0.0+incompatible","Time":"2018-02-19T23:10:06Z","Origin":{"VCS":"git","URL":"https://example.com/r","Hash":"${hash}","Ref":"HEAD"}}`],
  ])('%s', (_name, info, subdir, want) => {
    const json = infoJson(info, { url: 'https://example.com/r', subdir });
    expect(json).toBe(want);
    expect(JSON.parse(json)).toMatchObject({ Version: info.version });
  });

  it('escapes like Go encoding/json', () => {
    const json = infoJson({ version: 'v1.0.0', time, commit: hash }, { url: 'https://h/r?a=1&b=<2>', subdir: '' });
    expect(json).toContain('"URL":"https://h/r?a=1\\u0026b=\\u003c2\\u003e"');
  });
});

describe('goTime', () => {
  it.each([
    ['2018-02-19T23:10:06Z', '2018-02-19T23:10:06Z'],
    ['2020-01-02T05:04:05+02:00', '2020-01-02T03:04:05Z'],
  ])('%s → %s', (input, want) => {
    expect(goTime(new Date(input))).toBe(want);
  });
});
