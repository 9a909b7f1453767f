/**
 * NUL and UTF-16 surrogates without their pair. PostgreSQL refuses both in text and
 * jsonb (22021, 22P05, 22P02): let through, they turn a request into a 500, or sit
 * sealed in the answer pool until its release fails.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);
