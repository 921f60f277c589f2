import { ForbiddenError, type Principal } from '#auth';
import { policyDocumentSchema, type OriginConfig, type PolicyDocumentInput } from '#config';
import { OriginMatcher } from '#vcs';
import { compilePolicy, type Policy } from './compile-policy.js';
import { ModuleAccess } from './module-access.service.js';
import type { PolicyService } from './policy.service.js';

const compile = (doc: PolicyDocumentInput) => compilePolicy([{ source: 'file', prefix: 'policies', doc: policyDocumentSchema.parse(doc) }]);
const origin: OriginConfig = { pattern: 'git.corp.example/acme/*', url: 'https://git.corp.example/acme/{repo}.git', discoveryScheme: 'https' };
const bob: Principal = { kind: 'user', name: 'bob', groups: ['dev'], scopes: ['read', 'admin'], via: 'ldap' };

describe('ModuleAccess (with a stand-in PolicyService)', () => {
  let policy: Policy;
  const access = new ModuleAccess({ current: () => policy } as unknown as PolicyService, new OriginMatcher([origin]));

  beforeEach(() => {
    policy = compile({ deny: [{ name: 'base', rules: [{ module: 'golang.org/x/text', versions: '<v0.3.8', reason: 'CVE-2022-32149' }] }] });
  });

  it('treats paths of a private origin as private and the rest as public modules', () => {
    expect(() => access.assertCanRead(bob, 'github.com/public/mod', 'v1.0.0')).not.toThrow();
    expect(() => access.assertCanRead(bob, 'git.corp.example/acme/widget', 'v1.0.0')).toThrow(new ForbiddenError('bob may not read git.corp.example/acme/widget'));
  });

  it('treats every spelling of a private path as private (not a public module anyone may read)', () => {
    expect(() => access.assertCanRead(bob, 'git.corp.example/Acme/widget', 'v1.0.0')).toThrow(new ForbiddenError('bob may not read git.corp.example/Acme/widget'));
    expect(() => access.assertCanRead(bob, 'Git.Corp.Example/acme/widget')).toThrow(ForbiddenError);
  });

  it('hides denied versions from lists', () => {
    expect(access.visibleVersions(bob, 'golang.org/x/text', ['v0.3.6', 'v0.3.7', 'v0.3.8', 'v0.4.0'])).toEqual(['v0.3.8', 'v0.4.0']);
    expect(access.isBlocked('golang.org/x/text', 'v0.3.7')).toBe(true);
  });

  it('forgets remembered decisions when the policy changes', () => {
    expect(() => access.assertCanRead(bob, 'git.corp.example/acme/widget')).toThrow(ForbiddenError);
    policy = compile({ bindings: [{ subjects: ['group:dev'], role: 'reader', modules: ['git.corp.example/acme/*'] }] });
    expect(() => access.assertCanRead(bob, 'git.corp.example/acme/widget')).not.toThrow();
  });

  it.each([
    ['a public module', 'github.com/public/mod', 'v1.0.0', true],
    ['a private module without a binding', 'git.corp.example/acme/widget', 'v1.0.0', false],
    ['a denied version', 'golang.org/x/text', 'v0.3.7', false],
    ['an allowed version of a module with deny rules', 'golang.org/x/text', 'v0.3.8', true],
    ['a module without a version', 'golang.org/x/text', undefined, true],
  ])('canRead (the catalog filter) decides as a pull: %s', (_, path, version, expected) => {
    expect(access.canRead(bob, path, version)).toBe(expected);
    let pull = true;
    try {
      access.assertCanRead(bob, path, version);
    } catch {
      pull = false;
    }
    expect(pull).toBe(expected);
  });

  it('lets whoever may read a module know of it and its deny status; admins know of every module', () => {
    policy = compile({
      bindings: [{ subjects: ['group:dev'], role: 'reader', modules: ['git.corp.example/acme/widget'] }],
      deny: [{ name: 'base', rules: [{ module: 'git.corp.example/acme/widget', reason: 'retired' }] }],
    });
    expect(access.canRead(bob, 'git.corp.example/acme/widget', 'v1.0.0')).toBe(false);
    expect(access.mayKnowOf(bob, 'git.corp.example/acme/widget')).toBe(true);
    expect(access.blockReason('git.corp.example/acme/widget', 'v1.0.0')).toBe('retired (policy base)');
    expect(access.mayKnowOf(bob, 'git.corp.example/acme/secret')).toBe(false);
    expect(access.mayKnowOf({ ...bob, groups: ['modgate-admins'] }, 'git.corp.example/acme/secret')).toBe(true);
    expect(access.blockReason('github.com/public/mod', 'v1.0.0')).toBeNull();
  });

  it('answers global permissions for the guard and validates token globs', () => {
    expect(access.can(bob, 'admin')).toBe(false);
    expect(access.can({ ...bob, groups: ['modgate-admins'] }, 'admin')).toBe(true);
    expect(access.isValidModulePattern('github.com/acme/*')).toBe(true);
    expect(access.isValidModulePattern('github.com/[')).toBe(false);
  });
});
