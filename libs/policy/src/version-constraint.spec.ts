import { BadConstraintError, parseVersionConstraint } from './version-constraint.js';

describe('parseVersionConstraint', () => {
  const cases: Array<[string, string, boolean]> = [
    ['<v0.3.8', 'v0.3.7', true],
    ['<v0.3.8', 'v0.3.8', false],
    ['<v0.3.8', 'v0.3.8-rc.1', true],
    ['<v0.3.8', 'v0.0.0-20210101000000-abcdefabcdef', true],
    ['<=v0.3.8', 'v0.3.8', true],
    ['<=v0.3.8', 'v0.3.9', false],
    ['>v1.0.0', 'v1.0.1', true],
    ['>v1.0.0', 'v1.0.0', false],
    ['>=v1.0.0', 'v1.0.0', true],
    ['=v1.2.3', 'v1.2.3', true],
    ['=v1.2.3', 'v1.2.4', false],
    ['v1.2.3', 'v1.2.3', true],
    ['v1.2.3', 'v1.2.3+incompatible', true],
    ['v1.2', 'v1.2.0', true],
    ['>=v1.0.0 <v1.2.0', 'v1.1.9', true],
    ['>=v1.0.0 <v1.2.0', 'v1.2.0', false],
    ['>=v1.0.0 <v1.2.0', 'v0.9.0', false],
    ['>=v1.0.0, <v1.2.0', 'v1.0.0', true],
    ['<v1.0.0 || >=v2.0.0 <v2.0.5', 'v0.5.0', true],
    ['<v1.0.0 || >=v2.0.0 <v2.0.5', 'v2.0.4', true],
    ['<v1.0.0 || >=v2.0.0 <v2.0.5', 'v1.5.0', false],
    ['*', 'v9.9.9', true],
    ['<v2.0.0', 'v2.0.0+incompatible', false],
    ['<v1.0.0', 'not-a-version', false],
  ];
  it.each(cases)('%j matches %j: %j', (constraint, version, want) => {
    expect(parseVersionConstraint(constraint).matches(version)).toBe(want);
  });

  it.each(['<', '<=1.2.3', 'latest', '>=v1 ||', '||', 'v1.2.3.4'])('refuses %j', (bad) => {
    expect(() => parseVersionConstraint(bad)).toThrow(BadConstraintError);
  });
});
