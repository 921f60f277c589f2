import { InvalidBlobKeyError } from './blob-store.js';
import { assertValidKey } from './key.js';

describe('assertValidKey', () => {
  it.each([
    ['a GOPROXY zip key', 'github.com/!azure/x/@v/v1.0.0-!r!c1.zip'],
    ['a single segment', 'a'],
    ['segments starting with dots', '.a/..b/...'],
    ['+incompatible', 'example.com/x/@v/v2.0.0+incompatible.info'],
    ['non-ASCII', 'example.com/ü/@v/list'],
    ['exactly 1024 bytes', 'x'.repeat(1024)],
    ['1024 bytes of two-byte characters', 'é'.repeat(512)],
  ])('accepts %s', (_, key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['a leading slash', '/abs'],
    ['a trailing slash', 'a/'],
    ['an empty segment', 'a//b'],
    ['a . segment', 'a/./b'],
    ['a lone .', '.'],
    ['a .. segment', '../x'],
    ['a trailing ..', 'a/..'],
    ['a backslash', 'a\\b'],
    ['NUL', 'a\0b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\x7fb'],
    ['a C1 control', 'a\u0085b'],
    ['a lone surrogate', 'a\ud800b'],
    ['1025 bytes', 'x'.repeat(1025)],
    ['1026 bytes of two-byte characters', 'é'.repeat(513)],
  ])('refuses %s', (_, key) => {
    expect(() => assertValidKey(key)).toThrow(InvalidBlobKeyError);
  });
});
