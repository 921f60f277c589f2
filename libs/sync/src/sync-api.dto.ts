import type { SchemaObject } from '@nestjs/swagger';

/** `POST /api/sync`: the job to poll. */
export const SYNC_REQUESTED_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['job', 'codeRoot'],
  properties: {
    job: { type: 'string', description: 'Job id for `GET /api/sync/jobs/{id}`.', example: '42' },
    codeRoot: { type: 'string', description: 'The repository root the target belongs to.', example: 'git.example.com/acme/widget' },
  },
};

/** `GET /api/sync/jobs/{id}`. */
export const SYNC_JOB_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['state', 'attempts', 'lastError', 'codeRoot'],
  properties: {
    state: { type: 'string', enum: ['pending', 'running', 'done', 'failed'] },
    attempts: { type: 'integer' },
    lastError: { type: 'string', nullable: true },
    codeRoot: { type: 'string' },
  },
};
