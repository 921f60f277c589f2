import { hashGoMod } from '../dirhash.js';
import { autoQuote, legacyGoMod, mustQuote } from './legacy-go-mod.js';

describe('legacyGoMod (cmd/go LegacyGoMod)', () => {
  it('is `module <M>\\n` for a valid module path', () => {
    expect(legacyGoMod('github.com/pkg/errors').toString()).toBe('module github.com/pkg/errors\n');
  });

  it('hashes like go.sum for pkg/errors v0.8.0 (spec §11 vector 6)', () => {
    expect(hashGoMod(legacyGoMod('github.com/pkg/errors'))).toBe('h1:bwawxfHBFNV+L2hUp1rHADufV3IMtnDRdf1r5NINEl0=');
  });
});

describe('modfile.MustQuote / AutoQuote', () => {
  it.each([
    ['example.com/m', false],
    ['gopkg.in/yaml.v2', false],
    ['a b', true],
    ['a"b', true],
    ["a'b", true],
    ['a`b', true],
    ['a,b', true],
    [',', false],
    ['(', false],
    ['a(b', true],
    ['a//b', true],
    ['a/*b', true],
    ['', true],
    ['a\u0000b', true],
    ['ünï', false],
  ])('%j must be quoted: %s', (s, want) => {
    expect(mustQuote(s)).toBe(want);
  });

  it('quotes with Go syntax only when needed', () => {
    expect(autoQuote('example.com/m')).toBe('example.com/m');
    expect(autoQuote('a b')).toBe('"a b"');
    expect(autoQuote('')).toBe('""');
  });
});
