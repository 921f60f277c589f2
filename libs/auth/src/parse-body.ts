import type { z } from 'zod';
import { InvalidRequestError } from './auth.errors.js';

/** Validates an admin API body (or query) with zod; a bad one is a 400 naming the first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  throw new InvalidRequestError(`${where}${issue.message}`);
}
