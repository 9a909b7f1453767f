import { rmSync, writeFileSync } from 'node:fs';
import { Kysely, PGliteDialect } from 'kysely';
import postgres from 'postgres';
import { connect, openEmbedded } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { adminUrl, databaseUrl, pgliteTemplateFile, pgTemplateName } from '../helpers/template.ts';

/** Run by tap before any test file: builds the migrated template afresh. */
async function buildTemplate() {
  if (adminUrl) {
    const name = pgTemplateName();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
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
  const file = pgliteTemplateFile();
  rmSync(file, { force: true });
  const pglite = await openEmbedded('memory://');
  const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db);
  writeFileSync(file, Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer()));
  await db.destroy();
}

await buildTemplate();
