import { netrcEntryFor, netrcHost, removeNetrcEntry, setNetrcEntry } from './netrc.js';

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

describe('setNetrcEntry and removeNetrcEntry', () => {
  const others = '# corp git\nmachine git.corp.example\n  login bob\n  password b0b\n\nmachine other.example login x password y  \n';

  it('appends an entry and leaves every other byte as it was', () => {
    const text = setNetrcEntry(others, 'modgate.corp.example', 'alice', 'tok');
    expect(text).toBe(`${others}machine modgate.corp.example login alice password tok\n`);
    expect(netrcEntryFor(text, 'modgate.corp.example')).toEqual({ login: 'alice', password: 'tok' });
  });

  it('adds the line break a file without a final newline lacks', () => {
    expect(setNetrcEntry('machine a login x password y', 'b', 'u', 'p')).toBe('machine a login x password y\nmachine b login u password p\n');
  });

  it('replaces an entry in place, over several lines, and drops later duplicates', () => {
    const text = `machine m.example\n  login old\n  password old-pw\n${others}machine m.example login dup password dup\n`;
    expect(setNetrcEntry(text, 'm.example', 'alice', 'new')).toBe(`machine m.example login alice password new\n${others}`);
  });

  it('replaces an entry that shares its line with the next one', () => {
    expect(setNetrcEntry('machine m login a password b machine n login c password d\n', 'm', 'u', 'p')).toBe('machine m login u password p\nmachine n login c password d\n');
  });

  it('goes before the default entry, which the go command reads last', () => {
    expect(setNetrcEntry('machine a login x password y\ndefault login anon password anon\n', 'b', 'u', 'p')).toBe(
      'machine a login x password y\nmachine b login u password p\ndefault login anon password anon\n',
    );
  });

  it('keeps a macdef body with its entry', () => {
    const text = 'machine m login a password b\nmacdef init\ncd /pub\nmachine x\n\nmachine n login c password d\n';
    expect(setNetrcEntry(text, 'm', 'u', 'p')).toBe('machine m login u password p\nmachine n login c password d\n');
    expect(setNetrcEntry(text, 'n', 'u', 'p')).toBe('machine m login a password b\nmacdef init\ncd /pub\nmachine x\n\nmachine n login u password p\n');
  });

  it('refuses words the go command would split', () => {
    expect(() => setNetrcEntry('', 'm', 'a b', 'p')).toThrow(/white space/);
    expect(() => setNetrcEntry('', 'm', 'a', 'secret pw')).toThrow(/"<password>"/);
  });

  it('removes every entry of a host and nothing else', () => {
    const text = `machine m.example login a password b\n${others}machine m.example\n  login c\n  password d\n`;
    expect(removeNetrcEntry(text, 'm.example')).toEqual({ text: others, removed: true });
    expect(removeNetrcEntry(others, 'm.example')).toEqual({ text: others, removed: false });
  });

  it('matches hosts as the go command does: no port, no IPv6 brackets', () => {
    expect(netrcHost('https://modgate.corp.example:8443/x')).toBe('modgate.corp.example');
    expect(netrcHost('https://[::1]:8443')).toBe('::1');
  });
});
