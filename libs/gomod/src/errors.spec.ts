import { GoModError } from './errors.js';

describe('GoModError', () => {
  it.each([
    ['keeps a one-line message', 'version "v1.0" is not canonical', 'version "v1.0" is not canonical'],
    ['flattens newlines', 'a.go: bad\nb.go: bad', 'a.go: bad b.go: bad'],
    ['flattens CRLF', 'x\r\ny', 'x y'],
  ])('%s', (_name, message, expected) => {
    const err = new GoModError(message);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('GoModError');
    expect(err.message).toBe(expected);
  });
});
