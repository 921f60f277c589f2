import { escapeDnValue, escapeFilterValue, fillTemplate, firstRdnValue } from './ldap-escape.js';

describe('LDAP escaping', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['x)(|(objectClass=*)', 'x\\29\\28|\\28objectClass=\\2a\\29'],
    ['nul\u0000', 'nul\\00'],
  ])('filter value %j -> %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it.each([
    ['alice', 'alice'],
    ['Smith, John', 'Smith\\, John'],
    ['a+b=c', 'a\\+b\\=c'],
    ['#hash', '\\#hash'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['x,ou=admins', 'x\\,ou\\=admins'],
    ['<"\\;>', '\\<\\"\\\\\\;\\>'],
  ])('DN value %j -> %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });

  it('fills templates with already-escaped values', () => {
    expect(fillTemplate('(&(uid={{username}})(objectClass=person))', { username: escapeFilterValue('*') })).toBe('(&(uid=\\2a)(objectClass=person))');
    expect(fillTemplate('{{unknown}}', {})).toBe('{{unknown}}');
  });

  it('reads the first RDN value of a group DN', () => {
    expect(firstRdnValue('cn=payments,ou=groups,dc=corp,dc=example', 'cn')).toBe('payments');
    expect(firstRdnValue('CN=Team\\2C A,ou=groups', 'cn')).toBe('Team, A');
    expect(firstRdnValue('ou=x,dc=y', 'cn')).toBeUndefined();
  });
});
