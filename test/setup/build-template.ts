import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PGliteDialect } from 'kysely';
import postgres from 'postgres';
import { connect, openEmbedded } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { adminUrl, databaseUrl, isRunning, ownerPid, pgliteTemplateFile, pgTemplateName } from '../helpers/template.ts';

/** What runs that were killed left behind: their templates and test databases. */
async function removeLeftovers(admin: postgres.Sql | undefined) {
  const dead = (name: string) => {
    const pid = ownerPid(name);
    return pid !== undefined && !isRunning(pid);
  };
  for (const file of readdirSync(tmpdir()).filter(dead)) rmSync(join(tmpdir(), file), { force: true });
  if (!admin) return;
  const rows = await admin`SELECT datname FROM pg_database WHERE datname LIKE 'honne%'`;
  for (const { datname } of rows.filter((row) => dead(row.datname))) {
    await admin.unsafe(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`);
    await admin.unsafe(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

/** Run by tap before any test file: builds this run's migrated template. */
async function buildTemplate() {
  if (adminUrl) {
    const name = pgTemplateName();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await removeLeftovers(admin);
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const { db, close } = await connect({ databaseUrl: databaseUrl(name), maxConnections: 1 });
      await migrateToLatest(db);
      await close();
      await admin.unsafe(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
    } finally {
      await admin.end();
    }
    return;
  }
  await removeLeftovers(undefined);
  const file = pgliteTemplateFile();
  const pglite = await openEmbedded('memory://');
  const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db);
  writeFileSync(file, Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer()));
  await db.destroy();
}

await buildTemplate();
