import type { SchemaObject } from '@nestjs/swagger';

const text = (description?: string): SchemaObject => ({ type: 'string', nullable: true, ...(description ? { description } : {}) });
const integer: SchemaObject = { type: 'integer' };
const time: SchemaObject = { type: 'string', format: 'date-time' };
const strings: SchemaObject = { type: 'array', items: { type: 'string' } };

/** One stored audit event with its place in the hash chain. */
export const AUDIT_EVENT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'seq', 'time', 'action', 'principalKind', 'principalName', 'groups', 'status', 'prevHash', 'hash'],
  properties: {
    id: integer,
    seq: { type: 'integer', description: 'Position in the hash chain.' },
    time,
    action: { type: 'string', example: 'goproxy.zip' },
    principalKind: { type: 'string', enum: ['user', 'token', 'anonymous', 'system'] },
    principalName: text(),
    groups: strings,
    ip: text(),
    userAgent: text(),
    module: text(),
    version: text(),
    artifact: text('`info`, `mod`, `zip`, `list`, `latest`, or the sumdb path.'),
    status: { type: 'integer', nullable: true },
    reason: text('Why it was refused or failed.'),
    bytes: { type: 'integer', nullable: true },
    cacheHit: { type: 'boolean', nullable: true },
    durationMs: { type: 'number', nullable: true },
    requestId: text('The `X-Request-Id` of the request, also in its log line.'),
    detail: { type: 'object', nullable: true, additionalProperties: true },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
};

export const AUDIT_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['events', 'next'],
  properties: {
    events: { type: 'array', items: AUDIT_EVENT_SCHEMA },
    next: text('Pass as `after` for the next page; null on the last one.'),
  },
};

const counts = (...names: string[]): Record<string, SchemaObject> => Object.fromEntries(names.map((name) => [name, integer]));

export const AUDIT_SUMMARY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['from', 'to', 'requests', 'downloads', 'denied', 'errors', 'bytes', 'topModules', 'topPrincipals'],
  properties: {
    from: time,
    to: time,
    ...counts('requests', 'downloads', 'denied', 'errors', 'bytes'),
    topModules: { type: 'array', items: { type: 'object', properties: { module: { type: 'string' }, ...counts('requests', 'downloads', 'denied', 'principals') } } },
    topPrincipals: {
      type: 'array',
      items: { type: 'object', properties: { kind: { type: 'string' }, name: text(), ...counts('requests', 'downloads', 'denied', 'bytes') } },
    },
  },
};

export const BLAST_RADIUS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['module', 'version', 'principals'],
  properties: {
    module: { type: 'string' },
    version: { type: 'string' },
    principals: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kind: { type: 'string' }, name: text(), groups: strings, ...counts('pulls', 'refused'), artifacts: strings, ips: strings, first: time, last: time },
      },
    },
  },
};

export const VERIFY_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['ok', 'checked', 'fromSeq', 'headSeq', 'headHash', 'checkpoint', 'broken', 'durationMs'],
  properties: {
    ok: { type: 'boolean' },
    ...counts('checked', 'fromSeq', 'headSeq'),
    headHash: { type: 'string', description: 'Anchor headSeq and headHash elsewhere to detect a rewrite.' },
    checkpoint: {
      type: 'object',
      nullable: true,
      properties: { lastSeq: integer, lastHash: { type: 'string' }, archiveKey: { type: 'string' } },
    },
    broken: {
      type: 'object',
      nullable: true,
      description: 'The first row edited, deleted or inserted out of band.',
      properties: { id: { type: 'integer', nullable: true }, seq: integer, reason: { type: 'string' } },
    },
    durationMs: { type: 'number' },
  },
};
