import { GoModError } from './errors.js';
import { escapePath, escapeVersion, unescapePath, unescapeVersion } from './escape.js';

function errorOf(f: () => unknown): string {
  try {
    f();
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(GoModError);
    return (err as Error).message;
  }
}

describe('escapePath', () => {
  // Spec §11 vector 1.
  it.each([
    ['github.com/Azure/azure-sdk-for-go', 'github.com/!azure/azure-sdk-for-go'],
    ['github.com/GoogleCloudPlatform/x', 'github.com/!google!cloud!platform/x'],
    ['example.com/m', 'example.com/m'],
    ['example.com/ABC/v2', 'example.com/!a!b!c/v2'],
  ])('%s', (path, escaped) => {
    expect(escapePath(path)).toBe(escaped);
    expect(unescapePath(escaped)).toBe(path);
  });

  it.each([
    ['Example.com/m', `malformed module path "Example.com/m": invalid char 'E' in first path element`],
    ['example.com/a!b', `malformed module path "example.com/a!b": invalid char '!'`],
    ['example.com/m/v1', 'malformed module path "example.com/m/v1": invalid version'],
  ])('rejects %s', (path, message) => {
    expect(errorOf(() => escapePath(path))).toBe(message);
  });
});

describe('escapeVersion', () => {
  it.each([
    ['v1.0.0-RC1', 'v1.0.0-!r!c1'],
    ['v1.2.3', 'v1.2.3'],
    ['master', 'master'],
    ['HEAD', '!h!e!a!d'],
    ['v1.2.3+incompatible', 'v1.2.3+incompatible'],
    ['abc1234', 'abc1234'],
  ])('%s', (v, escaped) => {
    expect(escapeVersion(v)).toBe(escaped);
    expect(unescapeVersion(escaped)).toBe(v);
  });

  it.each([
    ['feature/x', 'version "feature/x" invalid: disallowed version string'],
    ['v1!', 'version "v1!" invalid: disallowed version string'],
    ['', 'version "" invalid: disallowed version string'],
    ['..', 'version ".." invalid: disallowed version string'],
    ['v1.', 'version "v1." invalid: disallowed version string'],
    ['aux', 'version "aux" invalid: disallowed version string'],
    ['a:b', 'version "a:b" invalid: disallowed version string'],
    ['vé', 'internal error: inconsistency in EscapePath'],
  ])('rejects %j', (v, message) => {
    expect(errorOf(() => escapeVersion(v))).toBe(message);
  });
});

describe('unescapePath', () => {
  it.each([
    ['github.com/!a!b', 'github.com/AB'],
    ['github.com/!azure/x', 'github.com/Azure/x'],
    ['example.com/m/v2', 'example.com/m/v2'],
  ])('%s', (escaped, path) => {
    expect(unescapePath(escaped)).toBe(path);
  });

  it.each([
    ['github.com/A', 'invalid escaped module path "github.com/A"'],
    ['github.com/!1', 'invalid escaped module path "github.com/!1"'],
    ['x.com/a!', 'invalid escaped module path "x.com/a!"'],
    ['x.com/!!a', 'invalid escaped module path "x.com/!!a"'],
    ['x.com/é', 'invalid escaped module path "x.com/é"'],
    ['!example.com/m', `invalid escaped module path "!example.com/m": malformed module path "Example.com/m": invalid char 'E' in first path element`],
    ['example/m', 'invalid escaped module path "example/m": malformed module path "example/m": missing dot in first path element'],
  ])('rejects %s', (escaped, message) => {
    expect(errorOf(() => unescapePath(escaped))).toBe(message);
  });
});

describe('unescapeVersion', () => {
  it.each([
    ['v1.0.0-!r!c1', 'v1.0.0-RC1'],
    ['v1.0.0', 'v1.0.0'],
  ])('%s', (escaped, v) => {
    expect(unescapeVersion(escaped)).toBe(v);
  });

  it.each([
    ['v1.0.0-RC1', 'invalid escaped version "v1.0.0-RC1"'],
    ['v1!', 'invalid escaped version "v1!"'],
    ['v!1', 'invalid escaped version "v!1"'],
    ['vé', 'invalid escaped version "vé"'],
    ['a/b', 'invalid escaped version "a/b": invalid char \'/\''],
    ['!a!u!x', 'invalid escaped version "AUX": "AUX" disallowed as path element component on Windows'],
    ['', 'invalid escaped version "": empty path element'],
  ])('rejects %j', (escaped, message) => {
    expect(errorOf(() => unescapeVersion(escaped))).toBe(message);
  });
});
