/** Validates a plugin's or pipeline's options against its zod schema, with errors that name every bad field. */
import type { z } from 'zod';

/** A definition or option that does not validate; the message names the field and what was expected. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

/** Parses `value` with `schema`; on failure throws a DefinitionError like `files(): dir: expected string, received number`. */
export function parseOptions<S extends z.ZodType>(where: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`);
  throw new DefinitionError(`${where}: ${problems.join('; ')}`);
}
