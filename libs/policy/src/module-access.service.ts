import { Injectable, Optional } from '@nestjs/common';
import { ForbiddenError, type PermissionChecker, type Principal } from '#auth';
import type { Permission } from '#config';
import { recordVulnDecision } from '#metrics';
import { OriginMatcher } from '#vcs';
import { AdvisoryIndexService } from '#vuln';
import type { Policy } from './compile-policy.js';
import { blockingAdvisories, evaluate, findDenyRule, type AccessRequest, type Decision } from './evaluate.js';
import { checkModulePattern } from './module-pattern.js';
import { PolicyService } from './policy.service.js';
import { decideVulnerability, vulnerabilityModeFor } from './vulnerability-policy.js';

/** What a served known-vulnerable version adds to its audit event. */
export interface VulnerabilityNote {
  /** `warn`: served in warn mode; `excepted`: an exception let it through. */
  vulnerability: 'warn' | 'excepted';
  advisories: string[];
}

/** Decisions remembered per principal object; more than this and that principal's are dropped. */
const MEMO_PER_PRINCIPAL = 4096;

/**
 * May-you, for libs/proxy and the admin API: applies the current policy to a principal. Module
 * paths claimed by a private origin are `private`, the rest `upstream` (public modules).
 * Decisions are remembered per principal object (verified principals are cached and reused) until
 * the policy changes, so a download of many files evaluates each module once.
 */
@Injectable()
export class ModuleAccess implements PermissionChecker {
  private memo = new WeakMap<Principal, Map<string, { decision: Decision; error?: ForbiddenError }>>();
  private memoPolicy: Policy | undefined;

  constructor(
    private readonly policies: PolicyService,
    private readonly origins: OriginMatcher,
    @Optional() private readonly advisories?: AdvisoryIndexService,
  ) {}

  /**
   * Throws ForbiddenError (403, one line) unless the principal may read the module (at `version`).
   * A version without advisories takes the remembered decision; one with advisories is decided
   * each time (exceptions expire).
   */
  assertCanRead(principal: Principal, modulePath: string, version?: string): void {
    const request: AccessRequest = { action: 'module:read', modulePath, version, source: this.sourceOf(modulePath) };
    const hits = version !== undefined && this.advisories ? this.advisories.affecting(modulePath, version) : [];
    if (hits.length === 0) return this.assert(principal, request);
    const policy = this.policies.current();
    const full: AccessRequest = { ...request, advisories: hits, now: Date.now() };
    const decision = evaluate(policy, principal, full);
    if (decision.allowed) return;
    if (!findDenyRule(policy, modulePath, version) && blockingAdvisories(policy, full)) recordVulnDecision('blocked');
    throw new ForbiddenError(decision.reason);
  }

  /** For the audit event of a served version with advisories: warn mode, or excepted in block mode; else undefined. */
  vulnerabilityNote(modulePath: string, version: string): VulnerabilityNote | undefined {
    const hits = this.advisories?.affecting(modulePath, version) ?? [];
    if (hits.length === 0) return undefined;
    const decision = decideVulnerability(this.policies.current().vulnerabilities, modulePath, version, hits, Date.now());
    if (decision.mode === 'warn' && decision.open.length > 0) {
      recordVulnDecision('warned');
      return { vulnerability: 'warn', advisories: decision.open.map((h) => h.id).concat(decision.excepted.map((e) => e.hit.id)) };
    }
    if (decision.excepted.length > 0 && decision.open.length === 0) {
      recordVulnDecision('excepted');
      return { vulnerability: 'excepted', advisories: decision.excepted.map((e) => e.hit.id) };
    }
    return undefined;
  }

  /** Throws ForbiddenError unless the principal may sync the module's repository. */
  assertCanSync(principal: Principal, modulePath: string): void {
    this.assert(principal, { action: 'module:sync', modulePath, source: this.sourceOf(modulePath) });
  }

  /** Whether the principal may sync the module's repository. */
  canSync(principal: Principal, modulePath: string): boolean {
    return this.decide(principal, { action: 'module:sync', modulePath, source: this.sourceOf(modulePath) }).allowed;
  }

  /** The versions deny rules and blocked vulnerabilities leave visible (for `@v/list` and `@latest`). */
  visibleVersions(_principal: Principal, modulePath: string, versions: readonly string[]): string[] {
    const policy = this.policies.current();
    const screenVulnerable = this.screensVulnerable(policy, modulePath);
    if (policy.deny.length === 0 && !screenVulnerable) return [...versions];
    const now = Date.now();
    return versions.filter((version) => !findDenyRule(policy, modulePath, version) && !(screenVulnerable && this.vulnerableBlocked(policy, modulePath, version, now)));
  }

  /** True when a deny rule or a known vulnerability in block mode blocks this version. */
  isBlocked(modulePath: string, version: string): boolean {
    const policy = this.policies.current();
    if (findDenyRule(policy, modulePath, version) !== undefined) return true;
    return this.screensVulnerable(policy, modulePath) && this.vulnerableBlocked(policy, modulePath, version, Date.now());
  }

  private screensVulnerable(policy: Policy, modulePath: string): boolean {
    return this.advisories !== undefined && this.advisories.current().hasModule(modulePath) && vulnerabilityModeFor(policy.vulnerabilities, modulePath).mode === 'block';
  }

  private vulnerableBlocked(policy: Policy, modulePath: string, version: string, now: number): boolean {
    const hits = this.advisories!.affecting(modulePath, version);
    return hits.length > 0 && decideVulnerability(policy.vulnerabilities, modulePath, version, hits, now).open.length > 0;
  }

  can(principal: Principal, permission: Permission): boolean {
    return this.decide(principal, { action: permission }).allowed;
  }

  assertCan(principal: Principal, permission: Permission): void {
    this.assert(principal, { action: permission });
  }

  isValidModulePattern(glob: string): boolean {
    try {
      checkModulePattern(glob);
      return true;
    } catch {
      return false;
    }
  }

  private assert(principal: Principal, request: AccessRequest): void {
    const { error } = this.remembered(principal, request);
    if (error) throw error;
  }

  private decide(principal: Principal, request: AccessRequest): Decision {
    return this.remembered(principal, request).decision;
  }

  /** The decision, and for a refusal the error to throw (made once: a refusal storm costs no stack traces). */
  private remembered(principal: Principal, request: AccessRequest): { decision: Decision; error?: ForbiddenError } {
    const policy = this.policies.current();
    if (policy !== this.memoPolicy) {
      this.memo = new WeakMap();
      this.memoPolicy = policy;
    }
    let decisions = this.memo.get(principal);
    if (!decisions) {
      decisions = new Map();
      this.memo.set(principal, decisions);
    }
    const key = `${request.action} ${request.modulePath ?? ''} ${request.version ?? ''}`;
    let entry = decisions.get(key);
    if (!entry) {
      const decision = evaluate(policy, principal, request);
      entry = decision.allowed ? { decision } : { decision, error: new ForbiddenError(decision.reason) };
      if (decisions.size >= MEMO_PER_PRINCIPAL) decisions.clear();
      decisions.set(key, entry);
    }
    return entry;
  }

  private sourceOf(modulePath: string): 'private' | 'upstream' {
    return this.origins.claims(modulePath) ? 'private' : 'upstream';
  }
}
