import { z } from 'zod';

/** Permissions a role can grant. `admin` is global; the others apply to module path patterns. */
export const PERMISSIONS = ['module:read', 'module:sync', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Who a binding applies to: `user:<name>`, `group:<ldap group>`, `token:<service token name>`,
 * or `authenticated` (anyone with valid credentials).
 */
const subject = z
  .string()
  .regex(/^((user|group|token):[^\s:][^\s]{0,255}|authenticated)$/, 'must be user:<name>, group:<name>, token:<name> or authenticated');

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

/** Module path glob, matched against the path and its prefixes like GONOSUMDB / GOPRIVATE. */
const modulePattern = z.string().min(1).max(512).regex(/^[^\s,]+$/, 'must be a module path glob without spaces or commas');

const binding = z
  .object({
    name: name.optional(),
    subjects: z.array(subject).min(1),
    role: name,
    modules: z.array(modulePattern).min(1).default(['*']),
  })
  .strict();

const denyRule = z
  .object({
    module: modulePattern,
    /** Version constraint (`<v0.3.8`, `>=v1.0.0 <v1.2.0`, `v1.2.3`, `a || b`); every version when unset. */
    versions: z.string().min(1).max(256).optional(),
    reason: z.string().min(1).max(300).regex(/^[^\n\r]*$/, 'must be one line'),
  })
  .strict();

const vulnerabilityMode = z.enum(['block', 'warn', 'off']);

/** `2027-01-31` (through the end of that day, UTC) or an RFC 3339 time. */
const expiry = z
  .string()
  .regex(/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/, 'must be a date (2027-01-31) or an RFC 3339 time')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real date');

const vulnerabilityException = z
  .object({
    /** The advisory's GO- id (or one of its CVE-/GHSA- aliases). */
    advisory: z.string().regex(/^[A-Za-z][A-Za-z0-9._:-]{1,63}$/, 'must be an advisory id such as GO-2024-0001'),
    /** Modules it covers; every module of the advisory when unset. */
    module: modulePattern.optional(),
    /** Versions it covers (a constraint like deny rules'); every affected version when unset. */
    versions: z.string().min(1).max(256).optional(),
    reason: z.string().min(1).max(300).regex(/^[^\n\r]*$/, 'must be one line'),
    owner: z.string().min(1).max(128).regex(/^[^\n\r]*$/, 'must be one line'),
    expires: expiry,
  })
  .strict();

/** What known-vulnerable versions do: `block` (hidden, 403), `warn` (served, audited), `off`. */
const vulnerabilities = z
  .object({
    mode: vulnerabilityMode.optional(),
    /** Per module pattern; the first matching rule wins over `mode`. */
    modules: z.array(z.object({ pattern: modulePattern, mode: vulnerabilityMode }).strict()).default([]),
    exceptions: z.array(vulnerabilityException).default([]),
  })
  .strict();

/**
 * Policies as code: the YAML `policies:` block (reloaded when the file changes) and the document
 * stored through `PUT /api/policies` have this shape.
 */
export const policyDocumentSchema = z
  .object({
    /** Role name -> permissions. Built in: reader, syncer, admin. */
    roles: z.record(name, z.array(z.enum(PERMISSIONS)).min(1)).default({}),
    bindings: z.array(binding).default([]),
    /** Who may read public (upstream) modules; default every authenticated principal. */
    publicModules: z.array(subject).optional(),
    /** Named groups of deny rules; the group's name is shown as `(policy <name>)`. */
    deny: z.array(z.object({ name, rules: z.array(denyRule).min(1) }).strict()).default([]),
    /** Known-vulnerable versions from the imported Go vulnerability database. */
    vulnerabilities: vulnerabilities.optional(),
  })
  .strict();

export type PolicyDocument = z.output<typeof policyDocumentSchema>;
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>;
