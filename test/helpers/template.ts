import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../server/db/migrate.ts';
export { isRunning } from '../../server/db/embedded-lock.ts';

/**
 * Test databases are cloned from a migrated template. The template is named after the
 * migrations' content and after this test run (the tap runner's pid, shared by its
 * `before` hook and every test file), so two runs on one machine never share one.
 */
export function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) hash.update(name).update(readFileSync(join(MIGRATIONS_DIR, name)));
  return hash.digest('hex').slice(0, 12);
}

export const runId = process.ppid;

/** The admin connection of a real PostgreSQL server, when the suite runs against one. */
export const adminUrl = process.env.DATABASE_URL || undefined;

export const pgTemplateName = () => `honne_tpl_${migrationsHash()}_${runId}`;
export const testDatabasePrefix = `honne_t_${runId}_`;
export const pgliteTemplateFile = () => join(tmpdir(), `honne-test-template-${migrationsHash()}-${runId}.tar.gz`);

/** The run that made a template or test database (its name ends in, or holds, the runner's pid). */
export function ownerPid(name: string): number | undefined {
  const match = /^honne_t_(\d+)_|^honne_tpl_[0-9a-f]+_(\d+)$|^honne-test-template-[0-9a-f]+-(\d+)\.tar\.gz$/.exec(name);
  const pid = match ? Number(match[1] ?? match[2] ?? match[3]) : NaN;
  return Number.isInteger(pid) ? pid : undefined;
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}
