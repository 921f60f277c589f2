import { UnauthorizedError } from './auth.errors.js';
import { looksLikeToken, parseAuthorization } from './authorization-header.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('parseAuthorization', () => {
  it('reads Basic user:password (the password may hold colons)', () => {
    expect(parseAuthorization(basic('alice:s3cr:et'))).toEqual({ scheme: 'basic', username: 'alice', password: 's3cr:et' });
    expect(parseAuthorization(`basic ${Buffer.from('a:b').toString('base64')}`)).toEqual({ scheme: 'basic', username: 'a', password: 'b' });
  });

  it('reads Bearer tokens', () => {
    expect(parseAuthorization('Bearer abc.def.ghi')).toEqual({ scheme: 'bearer', token: 'abc.def.ghi' });
  });

  const refused: Array<[string, string | string[] | undefined, RegExp]> = [
    ['no header', undefined, /authentication required/],
    ['empty header', '', /authentication required/],
    ['two headers', ['Basic a', 'Basic b'], /malformed/],
    ['unknown scheme', 'Digest username="x"', /unsupported authorization scheme "digest"/],
    ['scheme only', 'Basic', /not base64/],
    ['bad base64', 'Basic !!!!', /not base64/],
    ['base64 without padding', `Basic ${Buffer.from('alice:pw').toString('base64').replace(/=+$/, '')}`, /not base64/],
    ['no colon', basic('alicepassword'), /expected user:password/],
    ['empty user', basic(':password'), /bad user name/],
    ['control character in the user', basic('ali\nce:pw'), /bad user name/],
    ['NUL in the password', basic('alice:p\u0000w'), /bad password/],
    ['bearer without token', 'Bearer ', /malformed bearer token/],
    ['bearer with spaces', 'Bearer a b', /malformed bearer token/],
    ['huge header', `Basic ${'A'.repeat(9000)}`, /malformed/],
  ];
  it.each(refused)('refuses %s', (_name, header, message) => {
    expect(() => parseAuthorization(header)).toThrow(UnauthorizedError);
    expect(() => parseAuthorization(header)).toThrow(message);
  });

  it('never repeats the credentials in its messages', () => {
    try {
      parseAuthorization(basic('alice-secret-password'));
    } catch (err) {
      expect((err as Error).message).not.toContain('alice-secret-password');
    }
  });

  it('tells tokens from passwords by their JWT shape', () => {
    expect(looksLikeToken('eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeToken('eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.')).toBe(true);
    expect(looksLikeToken('correct horse battery staple')).toBe(false);
    expect(looksLikeToken('eyJ.only-two')).toBe(false);
  });
});
