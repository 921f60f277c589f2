import { csvField } from './audit-csv.js';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['with,comma', '"with,comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['-1+2', "'-1+2"],
    ['@cmd', "'@cmd"],
    [null, ''],
    [200, '200'],
    [true, 'true'],
  ] as const)('%j -> %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
