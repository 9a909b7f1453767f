import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.ts';
import { isStorableText } from '../shared/text.ts';

/** Far deeper than any form, answer set or API body here; walking no deeper keeps a hostile body off the stack. */
const MAX_DEPTH = 64;

interface Refusal {
  code: 'invalid_text' | 'too_deep';
  field: string;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The first string (value or key) PostgreSQL would refuse, or nesting past MAX_DEPTH. */
function inspect(value: unknown, path: string, depth: number): Refusal | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : { code: 'invalid_text', field: path };
  // Buffers are CSV bodies and uploaded files: their own readers check the text in them.
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  if (depth >= MAX_DEPTH) return { code: 'too_deep', field: path };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = inspect(value[i], join(path, String(i)), depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return { code: 'invalid_text', field: path };
    const found = inspect(item, join(path, key), depth + 1);
    if (found) return found;
  }
  return undefined;
}

function refuse(found: Refusal | undefined) {
  if (!found) return;
  const messageKey = found.code === 'invalid_text' ? 'error.invalid_text' : 'error.too_deep';
  throw new AppError({ code: found.code, status: 400, messageKey, errors: [{ field: found.field || '(body)', messageKey }] });
}

/**
 * Refuses NUL, unpaired surrogates and absurd nesting at every boundary: route
 * params, query strings, JSON, form and multipart bodies (file names included).
 * preValidation is the first hook that sees a parsed body, before the schema and
 * before any preHandler touches the database. A body put together later (multipart
 * attaches its fields in its own preValidation hook, which runs after this one) is
 * checked in preHandler, still before the routes' own preHandlers.
 */
export const textHygienePlugin = fp(
  async (app) => {
    const checked = new WeakMap<FastifyRequest, unknown>();
    app.addHook('preValidation', async (request) => {
      refuse(inspect(request.params, '', 0) ?? inspect(request.query, '', 0) ?? inspect(request.body, '', 0));
      checked.set(request, request.body);
    });
    app.addHook('preHandler', async (request) => {
      if (request.body !== checked.get(request)) refuse(inspect(request.body, '', 0));
    });
  },
  { name: 'honne-text-hygiene', dependencies: ['honne-errors'] },
);
