/**
 * pino's `err` serializer, minus what can carry values from the database or the
 * request. A PostgreSQL error (postgres.js's PostgresError, PGlite's DatabaseError)
 * holds the row in `detail` ("Key (email)=(…) already exists", "Failing row contains
 * (…)"), values in `where`, `hint`, `internalQuery`, the statement and its
 * `parameters`; its message quotes the value it could not read. Only the fields
 * below are kept, and quoted values leave the message. Any other error keeps its
 * plain (string, number, boolean) properties, not objects: Kysely's NoResultError,
 * for one, holds its query with the values in it.
 */
type Serialized = Record<string, unknown>;

/** Names and codes, no data: what a PostgreSQL error keeps, under one name whichever the driver. */
const PG_FIELDS: Record<string, string[]> = {
  code: ['code'],
  severity: ['severity'],
  schema: ['schema', 'schema_name'],
  table: ['table', 'table_name'],
  column: ['column', 'column_name'],
  constraint: ['constraint', 'constraint_name'],
  dataType: ['dataType', 'data type_name'],
  routine: ['routine'],
};
/** The fields above that name things a message may quote. */
const NAMES = ['schema', 'table', 'column', 'constraint', 'dataType'];
const MAX_CAUSES = 8;

const isErrorLike = (value: unknown): value is Error =>
  typeof value === 'object' && value !== null && typeof (value as Error).message === 'string';

/** PostgreSQL reports every error with a five-character SQLSTATE and a severity; connection errors (ECONNRESET) have no severity. */
function isPostgresError(error: Error): boolean {
  const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/**
 * Quoted values leave the message, from the first remaining quote to the last (a
 * value may hold quotes itself); a quoted name the error also gives apart stays.
 * NUL marks a kept name meanwhile: PostgreSQL never sends one in a message.
 */
function withoutValues(message: string, names: string[]): string {
  const marked = message.replace(/"([^"]*)"/g, (quoted, inner: string) =>
    names.includes(inner) ? `\u0000${names.indexOf(inner)}\u0000` : quoted,
  );
  return marked.replace(/"[\s\S]*"/, '"…"').replace(/\u0000(\d+)\u0000/g, (_marker, index: string) => `"${names[Number(index)]}"`);
}

/** The stack's frames under a new first line: V8 wrote the original message into it. */
function restack(stack: unknown, header: string): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.indexOf('\n    at ');
  return frames < 0 ? header : header + stack.slice(frames);
}

function serialize(error: Error, depth: number): Serialized {
  const nested = (value: unknown) => (depth < MAX_CAUSES && isErrorLike(value) ? serialize(value, depth + 1) : undefined);
  if (isPostgresError(error)) {
    const fields = error as unknown as Record<string, unknown>;
    const out: Serialized = { type: 'PostgresError' };
    for (const [name, sources] of Object.entries(PG_FIELDS)) {
      const value = sources.map((source) => fields[source]).find((candidate) => typeof candidate === 'string');
      if (value !== undefined) out[name] = value;
    }
    const message = withoutValues(
      error.message,
      NAMES.map((name) => out[name]).filter((value): value is string => typeof value === 'string'),
    );
    return { ...out, message, stack: restack(error.stack, `PostgresError: ${message}`) };
  }
  const out: Serialized = { type: error.constructor?.name || error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (key in out || key === 'cause') continue;
    if (isErrorLike(value)) out[key] = nested(value);
    else if (['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
  }
  // Read apart: not enumerable when given to the Error constructor.
  if (isErrorLike(error.cause)) out.cause = nested(error.cause);
  if (error instanceof AggregateError) out.errors = error.errors.map(nested);
  return out;
}

export function serializeError(value: unknown): unknown {
  return isErrorLike(value) ? serialize(value, 0) : value;
}
