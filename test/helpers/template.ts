import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../server/db/migrate.ts';

/**
 * Test databases are cloned from a migrated template, named after the migrations'
 * content so that a changed migration can never be served a stale template.
 */
export function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) hash.update(name).update(readFileSync(join(MIGRATIONS_DIR, name)));
  return hash.digest('hex').slice(0, 12);
}

/** The admin connection of a real PostgreSQL server, when the suite runs against one. */
export const adminUrl = process.env.DATABASE_URL || undefined;

export const pgTemplateName = () => `honne_tpl_${migrationsHash()}`;
export const pgliteTemplateFile = () => join(tmpdir(), `honne-test-template-${migrationsHash()}.tar.gz`);

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}
