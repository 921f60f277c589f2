import type { Permission } from '#config';
import { describePrincipal, type Principal, type Scope } from '#auth';
import type { AdvisoryHit } from '#vuln';
import type { CompiledDenyRule, Policy } from './compile-policy.js';
import { matchesAnyModulePattern, matchesModulePattern } from './module-pattern.js';
import { decideVulnerability, vulnerableReason } from './vulnerability-policy.js';

/** What is being asked: read or sync a module (optionally one version), or administer modgate. */
export interface AccessRequest {
  action: Permission;
  /** Required for `module:read` and `module:sync`. */
  modulePath?: string;
  /** A canonical version; deny rules with version constraints need it. */
  version?: string;
  /** `upstream` modules may be readable by everyone (`publicModules`); `private` ones need a binding. */
  source?: 'private' | 'upstream';
  /** The advisories affecting `modulePath@version` (from the vulnerability index); none when unset. */
  advisories?: readonly AdvisoryHit[];
  /** The time exceptions are judged at (ms); default now. */
  now?: number;
}

/** The evaluator's answer; `reason` is the one line the client sees after `modgate: `. */
export type Decision = { allowed: true } | { allowed: false; status: 403; reason: string };

const ALLOWED: Decision = Object.freeze({ allowed: true });

const SCOPE_OF: Record<Permission, Scope> = { 'module:read': 'read', 'module:sync': 'admin', admin: 'admin' };

/**
 * Decides whether `principal` may do `request` under `policy`. Pure: same inputs, same answer.
 *
 * Order: deny rules and known vulnerabilities in block mode (for everyone, admins included) -> the credential's scope -> a token's module
 * restriction -> public modules -> role bindings. Nothing matching means no (deny by default). The
 * anonymous principal only exists with MODGATE_AUTH=off and for the pulls of a try-out instance,
 * where only deny rules apply.
 */
export function evaluate(policy: Policy, principal: Principal, request: AccessRequest): Decision {
  const { action, modulePath, version } = request;
  if (action === 'module:read' && modulePath !== undefined) {
    const rule = findDenyRule(policy, modulePath, version);
    if (rule) return refuse(blockedReason(rule, modulePath, version));
    const vulnerable = blockingAdvisories(policy, request);
    if (vulnerable) return refuse(vulnerableReason(modulePath, version!, vulnerable));
  }
  if (principal.kind === 'anonymous') return ALLOWED;

  const who = describePrincipal(principal);
  const what = action === 'admin' ? 'administer modgate' : `${action === 'module:read' ? 'read' : 'sync'} ${modulePath ?? 'modules'}`;
  const scope = SCOPE_OF[action];
  if (!principal.scopes.includes(scope)) return refuse(`${who} may not ${what}: the token lacks the ${scope} scope`);
  if (action !== 'admin' && modulePath !== undefined && principal.modulePatterns && principal.modulePatterns.length > 0) {
    if (!matchesAnyModulePattern(principal.modulePatterns, modulePath)) {
      return refuse(`${who} may not ${what}: the token is restricted to ${principal.modulePatterns.join(', ')}`);
    }
  }

  const subjects = subjectsOf(principal);
  if (action === 'module:read' && request.source === 'upstream' && intersects(policy.publicModules, subjects)) return ALLOWED;
  for (const binding of policy.bindings) {
    if (!binding.permissions.has(action) || !intersects(binding.subjects, subjects)) continue;
    if (action === 'admin' || modulePath === undefined || matchesAnyModulePattern(binding.modules, modulePath)) return ALLOWED;
  }
  return refuse(`${who} may not ${what}`);
}

/**
 * The RBAC subjects of a principal: `authenticated`, `user:<name>` (a user's token acts as its
 * owner), `group:<g>`, and `token:<name>` for service tokens only, so that no user can mint a
 * token whose name picks up a service account's bindings.
 */
export function subjectsOf(principal: Principal): Set<string> {
  const subjects = new Set<string>(['authenticated']);
  if (principal.kind === 'user') subjects.add(`user:${principal.name}`);
  if (principal.kind === 'token') {
    if (principal.serviceAccount) subjects.add(`token:${principal.name}`);
    else if (principal.user) subjects.add(`user:${principal.user}`);
  }
  for (const group of principal.groups) subjects.add(`group:${group}`);
  return subjects;
}

/**
 * The first deny rule that blocks `modulePath` (at `version`). Without a version only rules
 * without a version constraint apply: those block the whole module, lists included.
 */
export function findDenyRule(policy: Policy, modulePath: string, version?: string): CompiledDenyRule | undefined {
  for (const rule of policy.deny) {
    if (!matchesModulePattern(rule.module, modulePath)) continue;
    if (rule.versions === undefined) return rule;
    if (version !== undefined && rule.versions.matches(version)) return rule;
  }
  return undefined;
}

/** The advisories that refuse the request in block mode (none excepted), or undefined. */
export function blockingAdvisories(policy: Policy, request: AccessRequest): readonly AdvisoryHit[] | undefined {
  const { modulePath, version, advisories } = request;
  if (modulePath === undefined || version === undefined || !advisories || advisories.length === 0) return undefined;
  const decision = decideVulnerability(policy.vulnerabilities, modulePath, version, advisories, request.now ?? Date.now());
  return decision.mode === 'block' && decision.open.length > 0 ? decision.open : undefined;
}

/** `golang.org/x/text@v0.3.7 is blocked: CVE-2022-32149 (policy security-baseline)` */
export function blockedReason(rule: CompiledDenyRule, modulePath: string, version?: string): string {
  return `${modulePath}${version ? `@${version}` : ''} is blocked: ${rule.reason} (policy ${rule.policy})`;
}

function refuse(reason: string): Decision {
  return { allowed: false, status: 403, reason };
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}
