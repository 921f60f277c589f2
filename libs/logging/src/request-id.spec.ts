import { requestIdOf } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it.each([
    ['a UUID', '0b7c3a52-8d1e-4c55-9f4c-3c2a7f6e9d10'],
    ['a ULID', '01HZX3K9Q8M7N6P5R4S3T2V1W0'],
    ['a trace id with dots and colons', 'trace.1:span-2'],
    ['64 characters', 'a'.repeat(64)],
  ])('keeps %s from X-Request-Id', (_name, id) => {
    expect(requestIdOf({ headers: { 'x-request-id': id } })).toBe(id);
  });

  it.each([
    ['no header', undefined],
    ['an empty value', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'abc def'],
    ['a newline (log forging)', 'abc\n{"level":"error"}'],
    ['a quote', 'abc"def'],
    ['a leading dash', '-abc'],
    ['two values', ['a', 'b']],
  ])('makes a new UUID for %s', (_name, id) => {
    expect(requestIdOf({ headers: { 'x-request-id': id } })).toMatch(UUID);
  });

  it('makes a different id for every request', () => {
    expect(requestIdOf({ headers: {} })).not.toBe(requestIdOf({ headers: {} }));
  });
});
