import { describePrincipal, type Principal } from '#auth';
import type { CompiledBinding, CompiledDenyRule, Policy, PolicySource } from './compile-policy.js';
import { blockingAdvisories, evaluate, findDenyRule, subjectsOf, type AccessRequest, type Decision } from './evaluate.js';
import { matchesAnyModulePattern, matchesModulePattern } from './module-pattern.js';
import { decideVulnerability, vulnerabilityModeFor, type VulnerabilityMode } from './vulnerability-policy.js';

/** The part of the policy that decided a request. */
export type DecidingRule =
  | { kind: 'deny-rule'; policy: string; source: PolicySource; module: string; versions?: string; reason: string }
  | { kind: 'vulnerability'; mode: 'block'; modeFrom: string; advisories: Array<{ id: string; aliases: string[]; fixed: string | null }> }
  | { kind: 'binding'; name?: string; source: PolicySource; subjects: string[]; role: string; modules: string[]; matchedSubjects: string[]; matchedModule?: string }
  | { kind: 'public-modules'; subjects: string[]; matchedSubjects: string[] }
  | { kind: 'token-scope'; scopes: string[] }
  | { kind: 'token-modules'; modules: string[] }
  | { kind: 'anonymous' }
  | { kind: 'no-match' };

/** {@link evaluate}'s decision together with the rule that made it and the subjects it saw. */
export interface Explanation {
  decision: Decision;
  rule: DecidingRule;
  subjects: string[];
  /** What the vulnerability policy says about the version (also when it did not decide); null without a version. */
  vulnerabilities: VulnerabilityExplanation | null;
}

/** The vulnerability policy's view of one module version. */
export interface VulnerabilityExplanation {
  mode: VulnerabilityMode;
  modeFrom: string;
  /** Advisories no exception covers. */
  open: Array<{ id: string; aliases: string[]; fixed: string | null }>;
  excepted: Array<{ id: string; owner: string; reason: string; expires: string }>;
}

/**
 * Why `evaluate(policy, principal, request)` answers as it does: the same steps in the same
 * order, naming the deny rule, credential limit or binding that decided. The decision is
 * evaluate's own, so an explanation can never disagree with what the proxy does.
 */
export function explain(policy: Policy, principal: Principal, request: AccessRequest): Explanation {
  const decision = evaluate(policy, principal, request);
  const subjects = principal.kind === 'anonymous' ? [] : [...subjectsOf(principal)];
  return { decision, rule: decidingRule(policy, principal, request, new Set(subjects)), subjects, vulnerabilities: explainVulnerabilities(policy, request) };
}

function explainVulnerabilities(policy: Policy, request: AccessRequest): VulnerabilityExplanation | null {
  const { modulePath, version } = request;
  if (modulePath === undefined || version === undefined) return null;
  const { mode, from } = vulnerabilityModeFor(policy.vulnerabilities, modulePath);
  const decision = decideVulnerability(policy.vulnerabilities, modulePath, version, request.advisories ?? [], request.now ?? Date.now());
  return {
    mode,
    modeFrom: from,
    open: decision.open.map((h) => ({ id: h.id, aliases: [...h.aliases], fixed: h.fixed })),
    excepted: decision.excepted.map(({ hit, exception }) => ({ id: hit.id, owner: exception.owner, reason: exception.reason, expires: exception.expires })),
  };
}

function decidingRule(policy: Policy, principal: Principal, request: AccessRequest, subjects: ReadonlySet<string>): DecidingRule {
  const { action, modulePath, version } = request;
  if (action === 'module:read' && modulePath !== undefined) {
    const rule = findDenyRule(policy, modulePath, version);
    if (rule) return denyRule(rule);
    const vulnerable = blockingAdvisories(policy, request);
    if (vulnerable) {
      const { from } = vulnerabilityModeFor(policy.vulnerabilities, modulePath);
      return { kind: 'vulnerability', mode: 'block', modeFrom: from, advisories: vulnerable.map((h) => ({ id: h.id, aliases: [...h.aliases], fixed: h.fixed })) };
    }
  }
  if (principal.kind === 'anonymous') return { kind: 'anonymous' };
  const scope = action === 'module:read' ? 'read' : 'admin';
  if (!principal.scopes.includes(scope)) return { kind: 'token-scope', scopes: [...principal.scopes] };
  if (action !== 'admin' && modulePath !== undefined && principal.modulePatterns && principal.modulePatterns.length > 0) {
    if (!matchesAnyModulePattern(principal.modulePatterns, modulePath)) return { kind: 'token-modules', modules: [...principal.modulePatterns] };
  }
  if (action === 'module:read' && request.source === 'upstream') {
    const matched = [...policy.publicModules].filter((s) => subjects.has(s));
    if (matched.length > 0) return { kind: 'public-modules', subjects: [...policy.publicModules], matchedSubjects: matched };
  }
  for (const binding of policy.bindings) {
    if (!binding.permissions.has(action)) continue;
    const matched = [...binding.subjects].filter((s) => subjects.has(s));
    if (matched.length === 0) continue;
    if (action === 'admin' || modulePath === undefined) return bindingRule(binding, matched);
    const module = binding.modules.find((glob) => matchesModulePattern(glob, modulePath));
    if (module !== undefined) return bindingRule(binding, matched, module);
  }
  return { kind: 'no-match' };
}

function denyRule(rule: CompiledDenyRule): DecidingRule {
  return { kind: 'deny-rule', policy: rule.policy, source: rule.source, module: rule.module, ...(rule.versions ? { versions: rule.versions.text } : {}), reason: rule.reason };
}

function bindingRule(binding: CompiledBinding, matchedSubjects: string[], matchedModule?: string): DecidingRule {
  return {
    kind: 'binding',
    ...(binding.name ? { name: binding.name } : {}),
    source: binding.source,
    subjects: [...binding.subjects],
    role: binding.role,
    modules: [...binding.modules],
    matchedSubjects,
    ...(matchedModule !== undefined ? { matchedModule } : {}),
  };
}

/** One line naming the deciding rule, e.g. `deny rule of policy security-baseline (file): ...`. */
export function describeDecidingRule(rule: DecidingRule, principal: Principal): string {
  switch (rule.kind) {
    case 'deny-rule':
      return `deny rule of policy ${rule.policy} (${rule.source}): module ${rule.module}${rule.versions ? ` versions ${rule.versions}` : ''}: ${rule.reason}`;
    case 'vulnerability':
      return `known vulnerability, block mode (${rule.modeFrom}): ${rule.advisories.map((a) => a.id).join(', ')}`;
    case 'binding':
      return `binding ${rule.name ?? '(unnamed)'} (${rule.source}): ${rule.matchedSubjects.join(', ')} -> role ${rule.role}${rule.matchedModule ? ` on ${rule.matchedModule}` : ''}`;
    case 'public-modules':
      return `publicModules: ${rule.matchedSubjects.join(', ')} may read public (upstream) modules`;
    case 'token-scope':
      return `the credential's scopes (${rule.scopes.join(', ')})`;
    case 'token-modules':
      return `the token's module restriction (${rule.modules.join(', ')})`;
    case 'anonymous':
      return 'MODGATE_AUTH=off: every request is allowed unless a deny rule applies';
    case 'no-match':
      return `no binding grants ${describePrincipal(principal)} this (deny by default)`;
  }
}
