import { netrcEntryFor } from './netrc.js';

describe('netrcEntryFor', () => {
  const text = 'machine other.example login bob password b0b\n\nmachine modgate.corp.example\n  login alice\n  password s3cret\ndefault login anon password anon-pw\n';

  it.each([
    ['the entry of the host, over several lines', 'modgate.corp.example', { login: 'alice', password: 's3cret' }],
    ['another host', 'other.example', { login: 'bob', password: 'b0b' }],
    ['the default entry for an unknown host', 'unknown.example', { login: 'anon', password: 'anon-pw' }],
  ])('%s', (_name, host, expected) => {
    expect(netrcEntryFor(text, host)).toEqual(expected);
  });

  it('nothing without a match or default', () => {
    expect(netrcEntryFor('machine a.example login x password y', 'b.example')).toBeUndefined();
  });
});
