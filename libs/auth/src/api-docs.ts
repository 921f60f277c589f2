import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * OpenAPI for the admin API, taken from the zod schemas that validate it, so the document cannot
 * drift from what the server accepts.
 */
export function openApiSchemaOf(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
}

/** The JSON request body a route validates with `schema`. */
export function ApiJsonBody(schema: z.ZodType, description?: string): MethodDecorator {
  return ApiBody({ required: true, description, schema: openApiSchemaOf(schema) });
}

/** One query parameter per property of the object schema a route validates its query with. */
export function ApiQueryFrom(schema: z.ZodType, descriptions: Record<string, string> = {}): MethodDecorator {
  const json = openApiSchemaOf(schema);
  const required = new Set(json.required ?? []);
  const params = Object.entries(json.properties ?? {}).map(([name, property]) =>
    ApiQuery({ name, required: required.has(name), schema: property, description: descriptions[name] }),
  );
  return applyDecorators(...params);
}

export class ApiErrorDetail {
  @ApiProperty({ example: 'invalid_input', description: 'Stable machine-readable code.' })
  code!: string;

  @ApiProperty({ example: 'name: must be 1-64 letters, digits, ".", "_" or "-"', description: 'One line for a human.' })
  message!: string;

  @ApiPropertyOptional({ description: 'On 500s: the id under which the details are logged.' })
  id?: string;
}

/** Every admin API error: `{ "error": { "code", "message", "id"? } }`. */
export class ApiErrorBody {
  @ApiProperty({ type: ApiErrorDetail })
  error!: ApiErrorDetail;
}

const ERROR_MEANINGS: Record<number, string> = {
  400: 'Invalid body or parameters (the message names the first problem).',
  401: 'No or wrong credentials.',
  403: 'The caller lacks the permission (admin) or the module access.',
  404: 'Not found.',
  409: 'Conflict.',
  429: 'Too many failed logins; retry after `Retry-After` seconds.',
};

/** The error answers of a route (401 and 429 apply to every admin route and are always listed). */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([...statuses, 401, 429])].sort();
  return applyDecorators(...all.map((status) => ApiResponse({ status, description: ERROR_MEANINGS[status] ?? `HTTP ${status}`, type: ApiErrorBody })));
}
