import { machineTokenName } from './login.command.js';

describe('machineTokenName', () => {
  it.each([
    ['a plain host name', 'laptop-42', 'laptop-42'],
    ['a fully qualified name', 'dev1.corp.example', 'dev1.corp.example'],
    ['characters a token name cannot hold', "Alice's MacBook Pro", 'Alice-s-MacBook-Pro'],
    ['a leading dot or dash', '-.box', 'box'],
    ['a very long name, cut to 64', 'x'.repeat(100), 'x'.repeat(64)],
    ['nothing usable', '---', 'machine'],
  ])('%s', (_name, host, expected) => {
    expect(machineTokenName(host)).toBe(expected);
    expect(machineTokenName(host)).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
  });
});
