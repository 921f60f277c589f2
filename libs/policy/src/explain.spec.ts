import type { Principal } from '#auth';
import { policyDocumentSchema, type PolicyDocumentInput } from '#config';
import { compilePolicy } from './compile-policy.js';
import { evaluate, type AccessRequest } from './evaluate.js';
import { describeDecidingRule, explain } from './explain.js';

const doc: PolicyDocumentInput = {
  bindings: [
    { name: 'payments', subjects: ['group:payments'], role: 'reader', modules: ['git.corp.example/tools/*', 'git.corp.example/payments/*'] },
    { subjects: ['user:bob'], role: 'reader', modules: ['git.corp.example/tools/cli'] },
  ],
  publicModules: ['group:developers'],
  deny: [
    {
      name: 'security-baseline',
      rules: [
        { module: 'golang.org/x/text', versions: '<v0.3.8', reason: 'CVE-2022-32149' },
        { module: 'git.corp.example/payments/legacy', reason: 'retired' },
      ],
    },
  ],
};
const policy = compilePolicy([{ source: 'file', prefix: 'policies', doc: policyDocumentSchema.parse(doc) }]);

const user = (name: string, groups: string[] = []): Principal => ({ kind: 'user', name, groups, scopes: ['read', 'admin'], via: 'ldap' });
const alice = user('alice', ['payments', 'developers']);
const bob = user('bob');
const admin = user('admin', ['modgate-admins']);
const narrowToken: Principal = { kind: 'token', name: 'ci', user: 'alice', groups: ['payments'], scopes: ['read'], modulePatterns: ['git.corp.example/tools/*'], via: 'token' };
const anonymous: Principal = { kind: 'anonymous', name: 'anonymous', groups: [], scopes: ['read', 'admin'], via: 'none' };
const read = (modulePath: string, version?: string, source: 'private' | 'upstream' = 'private'): AccessRequest => ({ action: 'module:read', modulePath, version, source });

describe('explain', () => {
  const cases: Array<[string, Principal, AccessRequest, boolean, string]> = [
    ['a deny rule with a version constraint', alice, read('golang.org/x/text', 'v0.3.7', 'upstream'), false, 'deny rule of policy security-baseline (file): module golang.org/x/text versions <v0.3.8: CVE-2022-32149'],
    ['a deny rule blocks admins too', admin, read('git.corp.example/payments/legacy', 'v1.0.0'), false, 'deny rule of policy security-baseline (file): module git.corp.example/payments/legacy: retired'],
    ['a version outside the deny rule', alice, read('golang.org/x/text', 'v0.3.8', 'upstream'), true, 'publicModules: group:developers may read public (upstream) modules'],
    ['a group binding, naming the glob that matched', alice, read('git.corp.example/payments/ledger', 'v1.0.0'), true, 'binding payments (file): group:payments -> role reader on git.corp.example/payments/*'],
    ['an unnamed user binding', bob, read('git.corp.example/tools/cli', 'v0.1.0'), true, 'binding (unnamed) (file): user:bob -> role reader on git.corp.example/tools/cli'],
    ['the built-in admin binding', admin, read('git.corp.example/anything', 'v1.0.0'), true, 'binding builtin-admins (builtin): group:modgate-admins -> role admin on *'],
    ['nothing matches', bob, read('git.corp.example/payments/ledger', 'v1.0.0'), false, 'no binding grants bob this (deny by default)'],
    ['public modules closed to a non-member', bob, read('github.com/fixture/alpha', 'v1.0.0', 'upstream'), false, 'no binding grants bob this (deny by default)'],
    ["a token's module restriction", narrowToken, read('git.corp.example/payments/ledger', 'v1.0.0'), false, "the token's module restriction (git.corp.example/tools/*)"],
    ["a token's missing scope", narrowToken, { action: 'admin' }, false, "the credential's scopes (read)"],
    ['anonymous without a deny rule', anonymous, read('git.corp.example/x', 'v1.0.0'), true, 'MODGATE_AUTH=off: every request is allowed unless a deny rule applies'],
  ];

  it.each(cases)('%s', (_name, principal, request, allowed, line) => {
    const explanation = explain(policy, principal, request);
    expect(explanation.decision).toEqual(evaluate(policy, principal, request));
    expect(explanation.decision.allowed).toBe(allowed);
    expect(describeDecidingRule(explanation.rule, principal)).toBe(line);
  });

  it('lists the subjects the principal was seen as', () => {
    expect(explain(policy, alice, read('git.corp.example/payments/ledger')).subjects).toEqual(['authenticated', 'user:alice', 'group:payments', 'group:developers']);
  });
});
