import { policyDocumentSchema, type PolicyDocumentInput } from '#config';
import { compilePolicy, PolicyError } from './compile-policy.js';

const compile = (...docs: PolicyDocumentInput[]) =>
  compilePolicy(docs.map((doc, i) => ({ source: i === 0 ? ('file' as const) : ('api' as const), prefix: i === 0 ? 'policies' : 'api', doc: policyDocumentSchema.parse(doc) })));

describe('compilePolicy', () => {
  it('has the built-in roles and admin binding with an empty document', () => {
    const policy = compile({});
    expect([...policy.roles.keys()]).toEqual(['reader', 'syncer', 'admin']);
    expect(policy.bindings.map((b) => [...b.subjects])).toEqual([['group:modgate-admins']]);
    expect([...policy.publicModules]).toEqual(['authenticated']);
  });

  it('combines the YAML block with the API document', () => {
    const policy = compile(
      { bindings: [{ subjects: ['group:a'], role: 'reader' }], deny: [{ name: 'p1', rules: [{ module: 'x.example/y', reason: 'r' }] }] },
      { roles: { mirror: ['module:read'] }, bindings: [{ subjects: ['group:b'], role: 'mirror', modules: ['x.example/*'] }] },
    );
    expect(policy.bindings.map((b) => `${b.source}:${[...b.subjects].join()}:${b.role}`)).toEqual(['builtin:group:modgate-admins:admin', 'file:group:a:reader', 'api:group:b:mirror']);
    expect(policy.deny.map((d) => d.policy)).toEqual(['p1']);
  });

  const bad: Array<[string, PolicyDocumentInput[], string]> = [
    ['unknown role', [{ bindings: [{ subjects: ['user:x'], role: 'writer' }] }], 'policies.bindings[0].role: unknown role "writer"'],
    ['redefined built-in role', [{ roles: { admin: ['module:read'] } }], 'policies.roles.admin: role admin is already defined (built-in)'],
    ['API role clashing with a YAML role', [{ roles: { r: ['module:read'] } }, { roles: { r: ['admin'] } }], 'api.roles.r: role r is already defined (policies)'],
    ['bad binding glob', [{ bindings: [{ subjects: ['user:x'], role: 'reader', modules: ['a/['] }] }], 'policies.bindings[0].modules[0]: syntax error in pattern "a/["'],
    ['bad deny glob', [{ deny: [{ name: 'p', rules: [{ module: 'a[', reason: 'r' }] }] }], 'policies.deny[0].rules[0].module'],
    ['bad version constraint', [{ deny: [{ name: 'p', rules: [{ module: 'a.example/b', versions: '<1.0', reason: 'r' }] }] }], 'policies.deny[0].rules[0].versions: bad version constraint "<1.0"'],
  ];
  it.each(bad)('refuses %s, naming the setting', (_name, docs, message) => {
    expect(() => compile(...docs)).toThrow(PolicyError);
    expect(() => compile(...docs)).toThrow(message);
  });
});
