import { type RawBuilder, sql } from 'kysely';

/**
 * A value for a jsonb column. Passed as text and cast by the server, because the
 * drivers disagree: postgres.js JSON-encodes a parameter it knows is jsonb (a string
 * would be stored as a JSON string), PGlite does not.
 */
export function jsonb(value: unknown): RawBuilder<string> {
  return sql<string>`cast(${JSON.stringify(value)}::text as jsonb)`;
}
