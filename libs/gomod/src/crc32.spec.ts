import { randomBytes } from 'node:crypto';
import { crc32, crc32Js } from './crc32.js';

describe('crc32', () => {
  it.each([
    ['empty', '', 0],
    ['check value', '123456789', 0xcbf43926],
    ['a', 'a', 0xe8b7be43],
    ['pangram', 'The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('%s', (_name, input, expected) => {
    const data = Buffer.from(input);
    expect(crc32Js(data)).toBe(expected);
    expect(crc32(data)).toBe(expected);
  });

  it.each([[1], [7], [1000], [65537]])('continues across chunks (split at %i)', (at) => {
    const data = randomBytes(70000);
    const whole = crc32Js(data);
    expect(crc32Js(data.subarray(at), crc32Js(data.subarray(0, at)))).toBe(whole);
    expect(crc32(data.subarray(at), crc32(data.subarray(0, at)))).toBe(whole);
  });
});
