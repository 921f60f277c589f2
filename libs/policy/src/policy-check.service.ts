import { Injectable } from '@nestjs/common';
import { InvalidRequestError, LocalUserService, RecordNotFoundError, TokenService, type Principal } from '#auth';
import { canonicalVersion, isValidModulePath } from '#gomod';
import { OriginMatcher } from '#vcs';
import { AdvisoryIndexService } from '#vuln';
import { describeDecidingRule, explain, type DecidingRule, type VulnerabilityExplanation } from './explain.js';
import { PolicyService } from './policy.service.js';

/** Who and what to check: a user (or a token by id or name), a module and optionally a version. */
export interface PolicyCheckQuery {
  user?: string;
  /** Groups to assume; unset = the local user's groups (none for a directory user). */
  groups?: string[];
  token?: string;
  module: string;
  version?: string;
}

/** The answer of `GET /api/policies/check`. */
export interface PolicyCheckResult {
  allowed: boolean;
  /** The refusal the go client would see; null when allowed. */
  reason: string | null;
  principal: string;
  groups: string[];
  /** Where the groups came from. */
  groupsFrom: 'stated' | 'local user' | 'token' | 'none';
  subjects: string[];
  module: string;
  version: string | null;
  /** `private` when a git origin claims the module path, else `upstream`. */
  source: 'private' | 'upstream';
  rule: DecidingRule;
  /** {@link rule} as one line. */
  decidedBy: string;
  /** Known vulnerabilities of the version and what the policy does about them; null without a version. */
  vulnerabilities: VulnerabilityExplanation | null;
}

/** Explains what the current policy says about one principal reading one module version. */
@Injectable()
export class PolicyCheckService {
  constructor(
    private readonly policies: PolicyService,
    private readonly origins: OriginMatcher,
    private readonly users: LocalUserService,
    private readonly tokens: TokenService,
    private readonly advisories: AdvisoryIndexService,
  ) {}

  async check(viewer: Principal, query: PolicyCheckQuery): Promise<PolicyCheckResult> {
    if (!isValidModulePath(query.module)) throw new InvalidRequestError(`module: ${JSON.stringify(query.module)} is not a valid module path`);
    let version: string | undefined;
    if (query.version !== undefined) {
      version = canonicalVersion(query.version);
      if (version === '') throw new InvalidRequestError(`version: ${JSON.stringify(query.version)} is not a semantic version (e.g. v1.2.3)`);
    }
    const { principal, groupsFrom } = await this.principalFor(viewer, query);
    const source = this.origins.claims(query.module) ? 'private' : 'upstream';
    const advisories = version !== undefined ? this.advisories.affecting(query.module, version) : [];
    const { decision, rule, subjects, vulnerabilities } = explain(this.policies.current(), principal, { action: 'module:read', modulePath: query.module, version, source, advisories, now: Date.now() });
    return {
      allowed: decision.allowed,
      reason: decision.allowed ? null : decision.reason,
      principal: principal.kind === 'token' ? `token ${principal.name}` : principal.name,
      groups: principal.groups,
      groupsFrom,
      subjects,
      module: query.module,
      version: version ?? null,
      source,
      rule,
      decidedBy: describeDecidingRule(rule, principal),
      vulnerabilities,
    };
  }

  private async principalFor(viewer: Principal, query: PolicyCheckQuery): Promise<{ principal: Principal; groupsFrom: PolicyCheckResult['groupsFrom'] }> {
    if (query.token !== undefined) {
      const token = (await this.tokens.list(viewer, { all: true })).find((t) => t.id === query.token || t.name === query.token);
      if (!token) throw new RecordNotFoundError(`no active token ${query.token}`);
      const ownerGroups = query.groups ?? (token.serviceAccount ? [] : await this.localGroups(token.owner));
      const principal: Principal = {
        kind: 'token',
        name: token.name,
        user: token.owner,
        groups: ownerGroups ?? [],
        scopes: token.scopes,
        ...(token.modules.length > 0 ? { modulePatterns: token.modules } : {}),
        via: 'token',
        serviceAccount: token.serviceAccount,
        tokenId: token.id,
      };
      return { principal, groupsFrom: query.groups ? 'stated' : ownerGroups ? 'local user' : 'none' };
    }
    const name = query.user!;
    const known = query.groups ? undefined : await this.localGroups(name);
    const groups = query.groups ?? known ?? [];
    const principal: Principal = { kind: 'user', name, groups, scopes: ['read', 'admin'], via: known ? 'local' : 'ldap' };
    return { principal, groupsFrom: query.groups ? 'stated' : known ? 'local user' : 'none' };
  }

  /** A local user's groups, or undefined when there is no such local user. */
  private async localGroups(name: string): Promise<string[] | undefined> {
    return (await this.users.list()).find((u) => u.name === name)?.groups;
  }
}
