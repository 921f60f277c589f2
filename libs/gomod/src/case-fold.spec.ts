import { equalFold, foldKey } from './case-fold.js';

describe('equalFold', () => {
  // Expectations are Go's strings.EqualFold.
  it.each([
    ['ASCII', 'Go.Mod', 'go.mod', true],
    ['ASCII differs', 'go.mod', 'go.mad', false],
    ['length differs', 'a', 'aa', false],
    ['Kelvin sign folds with k', '\u212a', 'k', true],
    ['Kelvin sign folds with K', '\u212a', 'K', true],
    ['long s folds with s', '\u017f', 'S', true],
    ['sharp s does not fold to ss', 'ß', 'ss', false],
    ['sharp s folds with capital sharp s', 'ß', '\u1e9e', true],
    ['dotted capital I does not fold to i', 'İ', 'i', false],
    ['dotless i does not fold to I', 'ı', 'I', false],
    ['dotless i does not fold to i', 'ı', 'i', false],
    ['Greek sigma forms', 'Σ', 'ς', true],
    ['Greek sigma lower forms', 'σ', 'ς', true],
    ['Greek theta symbol', 'ϑ', 'Θ', true],
    ['ypogegrammeni folds with iota', '\u0345', 'ι', true],
    ['title-case digraph', 'ǅ', 'ǆ', true],
    ['title-case digraph upper', 'ǅ', 'Ǆ', true],
    ['Cyrillic', 'Привет', 'пРИВЕТ', true],
    ['Deseret (astral)', '\u{10400}', '\u{10428}', true],
    ['Cherokee', '\u13a0', '\uab70', true],
    ['accented Latin', 'Éé', 'éÉ', true],
    ['digits', '1', '1', true],
    ['empty', '', '', true],
    ['fullwidth', 'Ａ', 'ａ', true],
    ['fullwidth is not ASCII', 'Ａ', 'a', false],
    ['Angstrom sign', '\u212b', 'å', true],
    ['ohm sign', '\u2126', 'ω', true],
    ['micro sign', 'µ', 'Μ', true],
  ])('%s', (_name, a, b, want) => {
    expect(equalFold(a, b)).toBe(want);
    expect(foldKey(a) === foldKey(b)).toBe(want);
  });
});

describe('foldKey', () => {
  it.each([
    ['lower ASCII is unchanged', 'a/b.go', 'a/b.go'],
    ['upper ASCII folds to lower', 'A/B.GO', 'a/b.go'],
    ['Kelvin folds to k', '\u212a', 'k'],
    ['non-letters unchanged', '!#$%&()+,-.=@[]^_{}~ 0', '!#$%&()+,-.=@[]^_{}~ 0'],
  ])('%s', (_name, s, key) => {
    expect(foldKey(s)).toBe(key);
  });
});
