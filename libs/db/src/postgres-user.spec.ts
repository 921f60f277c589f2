import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockedDirectory, postgresUserFor, readPasswd } from './postgres-user.js';

const NOBODY = { name: 'nobody', uid: 65534, gid: 65534 };
const MODGATE = { name: 'modgate', uid: 990, gid: 990 };

describe('postgresUserFor', () => {
  it.each([
    ['not root: the current user (none to switch to)', 1000, [NOBODY], undefined],
    ['root: a "modgate" system user first', 0, [NOBODY, MODGATE], MODGATE],
    ['root without "modgate": nobody', 0, [NOBODY], NOBODY],
  ])('%s', (_name, uid, passwd, expected) => {
    expect(postgresUserFor(uid, passwd)).toEqual(expected);
  });

  it('root with neither user: an error naming both', () => {
    expect(() => postgresUserFor(0, [])).toThrow('neither a "modgate" nor a "nobody" user exists');
  });

  it('reads /etc/passwd entries, skipping malformed lines', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modgate-passwd-')), 'passwd');
    writeFileSync(file, 'root:x:0:0:root:/root:/bin/bash\nbroken line\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
    expect(readPasswd(file)).toEqual([{ name: 'root', uid: 0, gid: 0 }, NOBODY]);
    expect(readPasswd(join(file, 'missing'))).toEqual([]);
  });
});

describe('blockedDirectory', () => {
  const tree = () => {
    const root = mkdtempSync(join(tmpdir(), 'modgate-reach-'));
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    return root;
  };
  const stranger = { name: 'stranger', uid: 4242, gid: 4242 };

  it('is undefined when every directory on the way may be entered (missing ones are made later)', () => {
    const root = tree();
    expect(blockedDirectory(join(root, 'a', 'b', 'not-yet'), stranger)).toBeUndefined();
  });

  it('names the first directory without search permission for others', () => {
    const root = tree();
    chmodSync(join(root, 'a'), 0o750);
    expect(blockedDirectory(join(root, 'a', 'b'), stranger)).toBe(join(root, 'a'));
  });

  it('uses the owner bits for the directory owner', () => {
    const root = tree();
    chmodSync(join(root, 'a'), 0o700);
    const owner = { name: 'me', uid: process.getuid!(), gid: 4242 };
    expect(blockedDirectory(join(root, 'a', 'b'), owner)).toBeUndefined();
  });
});
