import { retractionSource, retractionsFromGoMod } from './retractions.js';

describe('retractionsFromGoMod (modfile.ParseLax retract)', () => {
  const goMod = [
    'module example.com/m',
    '',
    'go 1.21',
    '',
    'retract v1.0.0 // single',
    'retract [v1.1.0, v1.1.5]',
    'retract "v1.3.0"',
    'retract (',
    '\t// a block',
    '\tv1.2.0-rc.1',
    '\t[v1.4.0, v1.4.2] // interval in a block',
    ')',
    '// retract v9.0.0',
    'exclude example.com/x v1.0.0',
    'replace example.com/y => ../y',
    'unknown directive here',
  ].join('\n');

  it.each([
    ['v1.0.0', true],
    ['v1.0.1', false],
    ['v1.1.0', true],
    ['v1.1.3', true],
    ['v1.1.5', true],
    ['v1.1.6', false],
    ['v1.1.5-pre', true],
    ['v1.2.0-rc.1', true],
    ['v1.2.0', false],
    ['v1.3.0', true],
    ['v1.4.1', true],
    ['v1.4.3', false],
    ['v9.0.0', false],
    ['v1.0.0+incompatible', true],
  ])('%s retracted: %s', (v, want) => {
    expect(retractionsFromGoMod(goMod)(v)).toBe(want);
  });

  it('compares bounds as written (dontFixRetract): short forms match their canonical version', () => {
    expect(retractionsFromGoMod('module m.com/x\nretract v1.2\n')('v1.2.0')).toBe(true);
  });

  it('skips malformed intervals but keeps the others', () => {
    const check = retractionsFromGoMod('module m.com/x\nretract [v1.0.0]\nretract [v1.0.0 v1.1.0]\nretract v2.0.0\n');
    expect(check('v1.0.0')).toBe(false);
    expect(check('v2.0.0')).toBe(true);
  });

  it('throws when the go.mod does not parse', () => {
    expect(() => retractionsFromGoMod('module m.com/x\nretract (\n')).toThrow();
  });

  it('a go.mod without retract directives retracts nothing', () => {
    expect(retractionsFromGoMod('module m.com/x\n')('v1.0.0')).toBe(false);
  });
});

describe('retractionSource (the go.mod retractions are read from)', () => {
  it.each([
    [[], undefined],
    [['v1.0.0', 'v1.1.0', 'v1.2.0-rc.1'], 'v1.1.0'],
    [['v1.0.0-rc.1', 'v1.0.0-rc.2'], 'v1.0.0-rc.2'],
    [['v1.0.0', 'v2.0.0+incompatible', 'v3.0.0+incompatible'], 'v1.0.0'],
    [['v2.0.0+incompatible'], undefined],
    [['v0.1.0', 'v0.2.0'], 'v0.2.0'],
  ])('%j → %s', (list, want) => {
    expect(retractionSource(list)).toBe(want);
  });
});
