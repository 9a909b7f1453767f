import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

/**
 * Decorates `app.db` with a database the caller opened (main.ts, the CLI or a test),
 * so that the same app runs on PGlite and on PostgreSQL. The opener closes it.
 */
export const dbPlugin = fp<{ db: Kysely<Database> }>(
  async (app, { db }) => {
    app.decorate('db', db);
  },
  { name: 'honne-db' },
);
