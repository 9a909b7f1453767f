import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import type { Test } from 'tap';
import { connect, type DatabaseHandle } from '../../server/db/connect.ts';
import { adminUrl, databaseUrl, pgliteTemplateFile, pgTemplateName, testDatabasePrefix } from './template.ts';

export interface TestDatabase extends DatabaseHandle {
  /** For a second app instance or a raw client on the same database (PostgreSQL only). */
  url: string | undefined;
}

/**
 * One database per test file, cloned from the migrated template that tap's `before`
 * hook built (or, with `empty`, not migrated at all: migration tests); dropped when
 * the test ends. On PostgreSQL a real database is created; embedded, a PGlite in
 * memory is loaded from the template's dump.
 */
export async function testDatabase(t: Test, options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (adminUrl) {
    const name = `${testDatabasePrefix}${randomBytes(6).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}${options.empty ? '' : ` TEMPLATE ${pgTemplateName()}`}`);
    const url = databaseUrl(name);
    const handle = await connect({ databaseUrl: url });
    t.teardown(async () => {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    return { ...handle, url };
  }
  if (options.empty) {
    const handle = await connect({ embeddedDir: 'memory://' });
    t.teardown(() => handle.close());
    return { ...handle, url: undefined };
  }
  const file = pgliteTemplateFile();
  if (!existsSync(file)) throw new Error(`No test template at ${file}: run the tests with \`npm test\` (tap builds it first).`);
  const handle = await connect({ embeddedDir: 'memory://', loadDataDir: new Blob([readFileSync(file)]) });
  t.teardown(() => handle.close());
  return { ...handle, url: undefined };
}
