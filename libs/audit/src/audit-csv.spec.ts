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
    [' =1+1', "' =1+1"],
    ['  \t=cmd|\' /C calc\'!A0', "'  \t=cmd|' /C calc'!A0"],
    ['\u00a0+1', "'\u00a0+1"],
    ['\uff1dSUM(A1)', "'\uff1dSUM(A1)"],
    ['\tplain', "'\tplain"],
    ['a = b', 'a = b'],
    ['Go-http-client/1.1', 'Go-http-client/1.1'],
    [null, ''],
    [200, '200'],
    [true, 'true'],
  ] as const)('%j -> %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
