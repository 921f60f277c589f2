import { redactCredentials, secretsOfAuthHeader } from './redact.js';

describe('redactCredentials', () => {
  it.each([
    ['URL user-info', "fatal: unable to access 'https://alice:hunter22@git.corp/x.git/'", "fatal: unable to access 'https://<redacted>@git.corp/x.git/'"],
    ['user-only URL', 'http://tok3n@host/r', 'http://<redacted>@host/r'],
    ['Bearer credential', 'sent Bearer abc.def-123', 'sent Bearer <redacted>'],
    ['Basic credential', 'Basic YWxpY2U6aHVudGVyMjI=', 'Basic <redacted>'],
    ['Authorization header', 'header Authorization: Custom s3cr3t', 'header Authorization: <redacted>'],
    ['query parameters', 'GET /x?private_token=abcd&x=1', 'GET /x?private_token=<redacted>&x=1'],
    ['plain text stays', 'fatal: repository not found', 'fatal: repository not found'],
    ['an SSH address stays', 'git@git.corp:team/repo.git', 'git@git.corp:team/repo.git'],
  ])('%s', (_name, input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });

  it('cuts out given secrets wherever they appear', () => {
    expect(redactCredentials('server said: wrong password hunter22!', ['hunter22'])).toBe('server said: wrong password <redacted>!');
  });
});

describe('secretsOfAuthHeader', () => {
  it('covers the header, its value and the credential', () => {
    expect(secretsOfAuthHeader('Authorization: Bearer tok-123')).toEqual(['Authorization: Bearer tok-123', 'Bearer tok-123', 'tok-123']);
  });

  it('decodes Basic credentials so the password itself is redacted too', () => {
    const b64 = Buffer.from('ci:pa55word').toString('base64');
    expect(secretsOfAuthHeader(`Authorization: Basic ${b64}`)).toEqual(expect.arrayContaining([b64, 'ci:pa55word', 'pa55word']));
  });
});
