import { execFileText } from './exec.js';
import { startSlapd, type TestSlapd } from './slapd.js';

const whoami = (slapd: TestSlapd, uid: string, password: string) =>
  execFileText('ldapwhoami', ['-x', '-H', slapd.url, '-D', slapd.userDn(uid), '-w', password], { allowFailure: true });

describe('startSlapd (a real OpenLDAP of its own)', () => {
  let slapd: TestSlapd;
  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.addUser('alice', 'alice-password');
    await slapd.addGroup('payments', ['alice']);
  });
  afterAll(() => slapd?.close());

  it('binds users with their password and counts the binds', async () => {
    const before = slapd.binds('alice');
    expect((await whoami(slapd, 'alice', 'alice-password')).code).toBe(0);
    expect((await whoami(slapd, 'alice', 'wrong')).code).toBe(49);
    expect(slapd.binds('alice')).toBe(before + 2);
  });

  it('keeps memberOf up to date through a group rename', async () => {
    await slapd.renameGroup('payments', 'payments-team');
    const search = await execFileText('ldapsearch', ['-x', '-LLL', '-H', slapd.url, '-b', slapd.userDn('alice'), 'memberOf']);
    expect(search.stdout).toContain(`memberOf: ${slapd.groupDn('payments-team')}`);
  });

  it('refuses binds of a locked (disabled) account', async () => {
    await slapd.addUser('dave', 'dave-password');
    expect((await whoami(slapd, 'dave', 'dave-password')).code).toBe(0);
    await slapd.lockUser('dave');
    expect((await whoami(slapd, 'dave', 'dave-password')).code).toBe(49);
  });

  it('hides passwords from anonymous searches', async () => {
    const search = await execFileText('ldapsearch', ['-x', '-LLL', '-H', slapd.url, '-b', slapd.userDn('alice'), 'userPassword']);
    expect(search.stdout).not.toContain('userPassword');
  });

  it('stops and restarts with its data', async () => {
    await slapd.stop();
    expect((await whoami(slapd, 'alice', 'alice-password')).code).not.toBe(0);
    await slapd.restart();
    expect((await whoami(slapd, 'alice', 'alice-password')).code).toBe(0);
  });
});
