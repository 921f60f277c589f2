import type { Principal } from '#auth';
import { policyDocumentSchema, type PolicyDocumentInput } from '#config';
import { compilePolicy } from './compile-policy.js';
import { evaluate, subjectsOf, type AccessRequest } from './evaluate.js';

const doc: PolicyDocumentInput = {
  roles: { deployer: ['module:read', 'module:sync'] },
  bindings: [
    { name: 'payments', subjects: ['group:payments'], role: 'reader', modules: ['git.corp.example/payments/*'] },
    { subjects: ['user:bob'], role: 'reader', modules: ['git.corp.example/tools/cli'] },
    { subjects: ['token:ci-widget'], role: 'reader', modules: ['git.corp.example/acme/*'] },
    { subjects: ['group:release'], role: 'deployer', modules: ['git.corp.example/*'] },
    { subjects: ['user:carol'], role: 'admin' },
  ],
  deny: [
    {
      name: 'security-baseline',
      rules: [
        { module: 'golang.org/x/text', versions: '<v0.3.8', reason: 'CVE-2022-32149' },
        { module: 'github.com/evil/*', reason: 'malicious publisher' },
        { module: 'git.corp.example/payments/legacy', versions: 'v1.0.0 || v1.0.1', reason: 'leaks card numbers' },
      ],
    },
  ],
};
const policy = compilePolicy([{ source: 'file', prefix: 'policies', doc: policyDocumentSchema.parse(doc) }]);
const nobodyPublic = compilePolicy([{ source: 'file', prefix: 'policies', doc: policyDocumentSchema.parse({ ...doc, publicModules: [] }) }]);
const groupPublic = compilePolicy([{ source: 'file', prefix: 'policies', doc: policyDocumentSchema.parse({ ...doc, publicModules: ['group:developers'] }) }]);

const user = (name: string, groups: string[] = [], via: Principal['via'] = 'ldap'): Principal => ({ kind: 'user', name, groups, scopes: ['read', 'admin'], via });
const token = (name: string, extra: Partial<Principal> = {}): Principal => ({ kind: 'token', name, groups: [], scopes: ['read'], via: 'token', ...extra });
const alice = user('alice', ['payments', 'developers']);
const bob = user('bob');
const carol = user('carol');
const dave = user('dave', ['release']);
const localAdmin = user('admin', ['modgate-admins'], 'local');
const ciWidget = token('ci-widget', { user: 'svc-ci', serviceAccount: true, modulePatterns: ['git.corp.example/acme/widget'] });
const ciAll = token('ci-widget', { user: 'svc-ci', serviceAccount: true });
const aliceToken = token('laptop', { user: 'alice', groups: ['payments'] });
const aliceImpostor = token('ci-widget', { user: 'alice', serviceAccount: false });
const adminToken = token('ops', { user: 'admin', groups: ['modgate-admins'], scopes: ['admin'] });
const anonymous: Principal = { kind: 'anonymous', name: 'anonymous', groups: [], scopes: ['read', 'admin'], via: 'none' };

const read = (modulePath: string, version?: string, source: 'private' | 'upstream' = 'private'): AccessRequest => ({ action: 'module:read', modulePath, version, source });
const ok = { allowed: true };
const no = (reason: string) => ({ allowed: false, status: 403, reason });

describe('evaluate', () => {
  const cases: Array<[string, ReturnType<typeof compilePolicy>, Principal, AccessRequest, object]> = [
    ['group member reads a private module of the group', policy, alice, read('git.corp.example/payments/ledger', 'v1.0.0'), ok],
    ['group binding covers nested modules', policy, alice, read('git.corp.example/payments/ledger/v2', 'v2.0.0'), ok],
    ['group member lists a private module (no version)', policy, alice, read('git.corp.example/payments/ledger'), ok],
    ['outsider may not read a private module', policy, bob, read('git.corp.example/payments/ledger', 'v1.0.0'), no('bob may not read git.corp.example/payments/ledger')],
    ['user binding to one module', policy, bob, read('git.corp.example/tools/cli', 'v0.2.0'), ok],
    ['user binding does not cover a sibling', policy, bob, read('git.corp.example/tools/other', 'v0.2.0'), no('bob may not read git.corp.example/tools/other')],
    ['every authenticated user reads public modules', policy, bob, read('github.com/fixture/alpha', 'v1.0.0', 'upstream'), ok],
    ['public modules can be closed to everyone', nobodyPublic, bob, read('github.com/fixture/alpha', 'v1.0.0', 'upstream'), no('bob may not read github.com/fixture/alpha')],
    ['public modules can be opened to one group', groupPublic, alice, read('github.com/fixture/alpha', 'v1.0.0', 'upstream'), ok],
    ['public modules opened to a group exclude others', groupPublic, bob, read('github.com/fixture/alpha', undefined, 'upstream'), no('bob may not read github.com/fixture/alpha')],
    ['deny rule blocks a vulnerable version', policy, alice, read('golang.org/x/text', 'v0.3.7', 'upstream'), no('golang.org/x/text@v0.3.7 is blocked: CVE-2022-32149 (policy security-baseline)')],
    ['deny rule lets the fixed version through', policy, alice, read('golang.org/x/text', 'v0.3.8', 'upstream'), ok],
    ['deny rule with a version does not block the list', policy, alice, read('golang.org/x/text', undefined, 'upstream'), ok],
    ['deny rule blocks pseudo-versions below the fix', policy, alice, read('golang.org/x/text', 'v0.3.8-0.20220101000000-abcdefabcdef', 'upstream'), no('golang.org/x/text@v0.3.8-0.20220101000000-abcdefabcdef is blocked: CVE-2022-32149 (policy security-baseline)')],
    ['path deny rule blocks every version', policy, alice, read('github.com/evil/pkg', 'v1.0.0', 'upstream'), no('github.com/evil/pkg@v1.0.0 is blocked: malicious publisher (policy security-baseline)')],
    ['path deny rule blocks the list too', policy, alice, read('github.com/evil/pkg', undefined, 'upstream'), no('github.com/evil/pkg is blocked: malicious publisher (policy security-baseline)')],
    ['path deny rule covers nested modules', policy, alice, read('github.com/evil/pkg/v3', 'v3.0.0', 'upstream'), no('github.com/evil/pkg/v3@v3.0.0 is blocked: malicious publisher (policy security-baseline)')],
    ['path deny rule spares a lookalike org', policy, alice, read('github.com/evilcorp/pkg', 'v1.0.0', 'upstream'), ok],
    ['deny rules apply to admins too', policy, localAdmin, read('golang.org/x/text', 'v0.3.0', 'upstream'), no('golang.org/x/text@v0.3.0 is blocked: CVE-2022-32149 (policy security-baseline)')],
    ['exact-version deny in a private module', policy, alice, read('git.corp.example/payments/legacy', 'v1.0.1'), no('git.corp.example/payments/legacy@v1.0.1 is blocked: leaks card numbers (policy security-baseline)')],
    ['exact-version deny spares the next version', policy, alice, read('git.corp.example/payments/legacy', 'v1.0.2'), ok],
    ['deny rules apply with MODGATE_AUTH=off', policy, anonymous, read('github.com/evil/x', 'v1.0.0', 'upstream'), no('github.com/evil/x@v1.0.0 is blocked: malicious publisher (policy security-baseline)')],
    ['anonymous (MODGATE_AUTH=off) reads private modules', policy, anonymous, read('git.corp.example/payments/ledger', 'v1.0.0'), ok],
    ['built-in admin group reads every private module', policy, localAdmin, read('git.corp.example/secret/x', 'v1.0.0'), ok],
    ['admin role bound to a user', policy, carol, { action: 'admin' }, ok],
    ['admin group administers', policy, localAdmin, { action: 'admin' }, ok],
    ['a reader does not administer', policy, alice, { action: 'admin' }, no('alice may not administer modgate')],
    ['service token reads its bound path', policy, ciWidget, read('git.corp.example/acme/widget', 'v1.1.0'), ok],
    ['service token restricted to one path cannot read a sibling it is bound to', policy, ciWidget, read('git.corp.example/acme/gadget', 'v1.0.0'), no('token ci-widget may not read git.corp.example/acme/gadget: the token is restricted to git.corp.example/acme/widget')],
    ['restricted service token cannot read public modules outside its restriction', policy, ciWidget, read('github.com/fixture/alpha', 'v1.0.0', 'upstream'), no('token ci-widget may not read github.com/fixture/alpha: the token is restricted to git.corp.example/acme/widget')],
    ['unrestricted service token reads what its binding covers', policy, ciAll, read('git.corp.example/acme/gadget', 'v1.0.0'), ok],
    ['service token outside its binding', policy, ciAll, read('git.corp.example/payments/ledger', 'v1.0.0'), no('token ci-widget may not read git.corp.example/payments/ledger')],
    ["a user's token acts with its owner's groups", policy, aliceToken, read('git.corp.example/payments/ledger', 'v1.0.0'), ok],
    ["a user's token named like a service token gets no token: bindings", policy, aliceImpostor, read('git.corp.example/acme/widget', 'v1.0.0'), no('token ci-widget may not read git.corp.example/acme/widget')],
    ['read-scoped token may not administer even for an admin owner', policy, token('ro', { user: 'admin', groups: ['modgate-admins'] }), { action: 'admin' }, no('token ro may not administer modgate: the token lacks the admin scope')],
    ['admin-scoped token of an admin administers', policy, adminToken, { action: 'admin' }, ok],
    ['admin-scoped token without read scope may not download', policy, adminToken, read('git.corp.example/x/y', 'v1.0.0'), no('token ops may not read git.corp.example/x/y: the token lacks the read scope')],
    ['sync permission through a custom role', policy, dave, { action: 'module:sync', modulePath: 'git.corp.example/acme/widget', source: 'private' }, ok],
    ['reader role does not sync', policy, alice, { action: 'module:sync', modulePath: 'git.corp.example/payments/ledger', source: 'private' }, no('alice may not sync git.corp.example/payments/ledger')],
    ['deny rule holds for a case variant of the path', policy, alice, read('git.corp.example/Payments/Legacy', 'v1.0.1'), no('git.corp.example/Payments/Legacy@v1.0.1 is blocked: leaks card numbers (policy security-baseline)')],
    ['path deny rule holds for a case variant of the org', policy, alice, read('github.com/EVIL/pkg', 'v1.0.0', 'upstream'), no('github.com/EVIL/pkg@v1.0.0 is blocked: malicious publisher (policy security-baseline)')],
    ['binding holds for a case variant of the path', policy, alice, read('git.corp.example/PAYMENTS/ledger', 'v1.0.0'), ok],
    ['a case variant of an unbound path stays unbound', policy, bob, read('git.corp.example/Payments/ledger', 'v1.0.0'), no('bob may not read git.corp.example/Payments/ledger')],
    ['token restriction holds for a case variant', policy, ciWidget, read('git.corp.example/acme/Gadget', 'v1.0.0'), no('token ci-widget may not read git.corp.example/acme/Gadget: the token is restricted to git.corp.example/acme/widget')],
    ['public modules are not syncable by default', policy, bob, { action: 'module:sync', modulePath: 'github.com/fixture/alpha', source: 'upstream' }, no('bob may not sync github.com/fixture/alpha')],
  ];
  it.each(cases)('%s', (_name, p, principal, request, want) => {
    expect(evaluate(p, principal, request)).toEqual(want);
  });

  it('has at least 30 named cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it('names subjects: users, groups, service tokens, and a user token as its owner', () => {
    expect([...subjectsOf(alice)].sort()).toEqual(['authenticated', 'group:developers', 'group:payments', 'user:alice']);
    expect([...subjectsOf(ciWidget)].sort()).toEqual(['authenticated', 'token:ci-widget']);
    expect([...subjectsOf(aliceImpostor)].sort()).toEqual(['authenticated', 'user:alice']);
  });
});
