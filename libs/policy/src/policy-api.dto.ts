import type { SchemaObject } from '@nestjs/swagger';
import { openApiSchemaOf } from '#auth';
import { policyDocumentSchema } from '#config';

/** A policy document: role bindings and deny rules (the YAML `policies:` block has the same shape). */
export const POLICY_DOCUMENT_SCHEMA: SchemaObject = openApiSchemaOf(policyDocumentSchema);

/** `GET/PUT /api/policies`: both documents and who last replaced the API's. */
export const POLICY_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['file', 'api', 'apiUpdatedAt', 'apiUpdatedBy'],
  properties: {
    file: { ...POLICY_DOCUMENT_SCHEMA, description: 'The `policies:` block of the YAML file (read-only here).' },
    api: { ...POLICY_DOCUMENT_SCHEMA, description: 'The document set through this API.' },
    apiUpdatedAt: { type: 'string', format: 'date-time', nullable: true },
    apiUpdatedBy: { type: 'string', nullable: true },
  },
};
