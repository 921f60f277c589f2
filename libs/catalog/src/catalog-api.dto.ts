import type { SchemaObject } from '@nestjs/swagger';

const time: SchemaObject = { type: 'string', format: 'date-time' };
const nullableTime: SchemaObject = { ...time, nullable: true };
const source: SchemaObject = { type: 'string', enum: ['upstream', 'private'] };

const MODULE_SUMMARY: SchemaObject = {
  type: 'object',
  properties: {
    modulePath: { type: 'string' },
    source,
    versions: { type: 'integer', description: 'Versions held now (evicted ones not counted).' },
    size: { type: 'integer', description: 'Bytes held.' },
    pulls: { type: 'integer', description: 'Successful .zip downloads, all versions.' },
    lastPulledAt: nullableTime,
  },
};

export const MODULE_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { modules: { type: 'array', items: MODULE_SUMMARY }, next: { type: 'string', nullable: true, description: 'Pass as `after` for the next page.' } },
};

export const MODULE_DETAIL_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    module: { type: 'string' },
    source,
    size: { type: 'integer' },
    pulls: { type: 'integer' },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          version: { type: 'string' },
          source,
          size: { type: 'integer', description: 'Bytes of its .info, .mod and .zip (0 once evicted).' },
          h1: { type: 'string', nullable: true, description: 'h1: hash of the zip.' },
          firstFetchedAt: time,
          lastPulledAt: { ...nullableTime, description: 'The last successful .info, .mod or .zip request.' },
          pulls: { type: 'integer', description: 'Successful .zip downloads.' },
          evictedAt: nullableTime,
          blocked: { type: 'string', nullable: true, description: 'The deny rule that blocks it, if any.' },
        },
      },
    },
    pullsByDay: {
      type: 'array',
      description: 'The last 90 days (UTC), days without requests left out.',
      items: { type: 'object', properties: { day: { type: 'string', format: 'date' }, pulls: { type: 'integer' }, requests: { type: 'integer' } } },
    },
    tagEvents: {
      type: 'array',
      items: {
        type: 'object',
        properties: { version: { type: 'string' }, tag: { type: 'string' }, servedCommit: { type: 'string' }, currentCommit: { type: 'string', nullable: true }, detectedAt: time },
      },
    },
  },
};

const usageRow = (extra: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  properties: { ...extra, source, versions: { type: 'integer' }, bytes: { type: 'integer' } },
});

export const STORAGE_USAGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { bySource: { type: 'array', items: usageRow({}) }, byPrefix: { type: 'array', items: usageRow({ prefix: { type: 'string' } }) } },
};

export const GC_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    dryRun: { type: 'boolean' },
    minAgeSeconds: { type: 'integer' },
    scanned: { type: 'integer', description: 'Artifact blobs looked at.' },
    orphans: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, size: { type: 'integer' }, modifiedAt: time } } },
    tooYoung: { type: 'integer', description: 'Orphans younger than minAgeSeconds, left alone.' },
    removed: { type: 'integer' },
    removedBytes: { type: 'integer' },
  },
};

export const EVICTION_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    dryRun: { type: 'boolean' },
    days: { type: 'integer' },
    cutoff: time,
    versions: { type: 'array', items: { type: 'object', properties: { module: { type: 'string' }, version: { type: 'string' }, lastUsedAt: time } } },
    removedBytes: { type: 'integer' },
  },
};
