import { ADMIN_GROUP } from '#auth';
import type { Permission, PolicyDocument } from '#config';
import { BadPatternError, checkModulePattern } from './module-pattern.js';
import { BadConstraintError, parseVersionConstraint, type VersionConstraint } from './version-constraint.js';
import { compileVulnerabilityPolicy, VulnerabilitySettingError, type VulnerabilityPolicy } from './vulnerability-policy.js';

/** Roles every policy has; documents may add roles but not redefine these. */
export const BUILTIN_ROLES: Readonly<Record<string, readonly Permission[]>> = {
  reader: ['module:read'],
  syncer: ['module:read', 'module:sync'],
  admin: ['admin', 'module:read', 'module:sync'],
};

/** Where a part of the effective policy comes from. */
export type PolicySource = 'builtin' | 'file' | 'api';

export interface CompiledBinding {
  name?: string;
  source: PolicySource;
  subjects: ReadonlySet<string>;
  role: string;
  permissions: ReadonlySet<Permission>;
  modules: readonly string[];
}

export interface CompiledDenyRule {
  /** The deny group's name, shown as `(policy <name>)`. */
  policy: string;
  source: PolicySource;
  module: string;
  versions?: VersionConstraint;
  reason: string;
}

/** The effective policy the evaluator reads: built-ins, the YAML block and the API document together. */
export interface Policy {
  roles: ReadonlyMap<string, ReadonlySet<Permission>>;
  bindings: readonly CompiledBinding[];
  /** Subjects that may read public (upstream) modules. */
  publicModules: ReadonlySet<string>;
  deny: readonly CompiledDenyRule[];
  /** What known-vulnerable versions do (`vulnerabilities:`). */
  vulnerabilities: VulnerabilityPolicy;
}

/** A policy document that is well-formed but does not make sense; `path` names the setting. */
export class PolicyError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'PolicyError';
  }
}

/**
 * Combines policy documents (YAML first, then the API's) with the built-ins into one Policy.
 * Throws PolicyError naming the setting for an unknown or redefined role, a bad module glob or a
 * bad version constraint. `publicModules` is taken from the first document that sets it.
 */
export function compilePolicy(documents: ReadonlyArray<{ source: 'file' | 'api'; prefix: string; doc: PolicyDocument }>): Policy {
  const roles = new Map<string, Set<Permission>>(Object.entries(BUILTIN_ROLES).map(([name, perms]) => [name, new Set(perms)]));
  const roleSource = new Map<string, string>(Object.keys(BUILTIN_ROLES).map((name) => [name, 'built-in']));
  for (const { prefix, doc } of documents) {
    for (const [name, permissions] of Object.entries(doc.roles)) {
      const where = roleSource.get(name);
      if (where !== undefined) throw new PolicyError(`${prefix}.roles.${name}`, `role ${name} is already defined (${where})`);
      roles.set(name, new Set(permissions));
      roleSource.set(name, prefix);
    }
  }

  const bindings: CompiledBinding[] = [
    { name: 'builtin-admins', source: 'builtin', subjects: new Set([`group:${ADMIN_GROUP}`]), role: 'admin', permissions: roles.get('admin')!, modules: ['*'] },
  ];
  const deny: CompiledDenyRule[] = [];
  let publicModules: Set<string> | undefined;
  for (const { source, prefix, doc } of documents) {
    doc.bindings.forEach((binding, i) => {
      const path = `${prefix}.bindings[${i}]`;
      const permissions = roles.get(binding.role);
      if (!permissions) throw new PolicyError(`${path}.role`, `unknown role ${JSON.stringify(binding.role)}`);
      binding.modules.forEach((glob, j) => checkGlob(glob, `${path}.modules[${j}]`));
      bindings.push({ name: binding.name, source, subjects: new Set(binding.subjects), role: binding.role, permissions, modules: binding.modules });
    });
    doc.deny.forEach((group, i) => {
      group.rules.forEach((rule, j) => {
        const path = `${prefix}.deny[${i}].rules[${j}]`;
        checkGlob(rule.module, `${path}.module`);
        let versions: VersionConstraint | undefined;
        if (rule.versions !== undefined) {
          try {
            versions = parseVersionConstraint(rule.versions);
          } catch (err) {
            if (err instanceof BadConstraintError) throw new PolicyError(`${path}.versions`, err.message);
            throw err;
          }
        }
        deny.push({ policy: group.name, source, module: rule.module, versions, reason: rule.reason });
      });
    });
    if (publicModules === undefined && doc.publicModules !== undefined) publicModules = new Set(doc.publicModules);
    doc.vulnerabilities?.modules.forEach((rule, j) => checkGlob(rule.pattern, `${prefix}.vulnerabilities.modules[${j}].pattern`));
    doc.vulnerabilities?.exceptions.forEach((exception, j) => {
      if (exception.module !== undefined) checkGlob(exception.module, `${prefix}.vulnerabilities.exceptions[${j}].module`);
    });
  }
  let vulnerabilities: VulnerabilityPolicy;
  try {
    vulnerabilities = compileVulnerabilityPolicy(documents);
  } catch (err) {
    if (err instanceof VulnerabilitySettingError) throw new PolicyError(err.path, err.message);
    throw err;
  }
  return { roles, bindings, publicModules: publicModules ?? new Set(['authenticated']), deny, vulnerabilities };
}

function checkGlob(glob: string, path: string): void {
  try {
    checkModulePattern(glob);
  } catch (err) {
    if (err instanceof BadPatternError) throw new PolicyError(path, err.message);
    throw err;
  }
}
