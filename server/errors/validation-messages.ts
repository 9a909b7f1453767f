import { type Locale, translate } from '../i18n/messages.ts';

/** The part of an Ajv (Fastify) or TypeBox error that we read; both share the shape. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: unknown;
}

/** Turns Ajv's or TypeBox's English errors into one message per field in the user's language. */
export function fieldErrors(locale: Locale, errors: Iterable<SchemaError>): Array<{ field: string; message: string }> {
  const seen = new Map<string, string>();
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const extra = params.additionalProperty ?? (params.additionalProperties as string[] | undefined)?.[0];
    const field = (params.missingProperty ?? params.requiredProperties ?? extra ?? path) as string | string[];
    const name = Array.isArray(field) ? field.join(', ') : field;
    // TypeBox reports an unknown property twice; the union's branches repeat the field too.
    if (error.keyword === 'boolean' || seen.has(name)) continue;
    seen.set(name, messageFor(locale, error.keyword, params));
  }
  return [...seen].map(([field, message]) => ({ field: field || '(body)', message }));
}

function messageFor(locale: Locale, keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'required':
      return translate(locale, 'validation.required');
    case 'additionalProperties':
      return translate(locale, 'validation.unknown_field');
    case 'enum':
    case 'const':
    case 'anyOf':
      return Array.isArray(params.allowedValues ?? params.enum)
        ? translate(locale, 'validation.enum', { allowed: ((params.allowedValues ?? params.enum) as unknown[]).join(', ') })
        : translate(locale, 'validation.format');
    case 'format':
      if (params.format === 'email') return translate(locale, 'validation.email');
      if (params.format === 'date') return translate(locale, 'validation.date');
      return translate(locale, 'validation.format');
    case 'maxLength':
      return translate(locale, 'validation.too_long', { limit: String(params.limit) });
    case 'minLength':
      return translate(locale, 'validation.too_short');
    case 'type':
      return translate(locale, 'validation.type');
    default:
      return translate(locale, 'validation.format');
  }
}
