import { type Kysely, sql } from 'kysely';
import { open, seal } from '../../crypto/seal.ts';
import type { Database } from '../../db/schema.ts';

/**
 * An uploaded file waits here between its preview and HR's confirmation, in the
 * database (any instance may serve the confirmation), sealed (it is personal
 * data) and for an hour at most.
 */
const KEEP = '1 hour';

export async function stageImport(db: Kysely<Database>, key: Buffer, staffId: string, fileName: string, bytes: Buffer): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .insertInto('leaver_import')
    .values({ id, staff_id: staffId, file_name: fileName, sealed: seal(key, bytes.toString('base64'), `import:${id}`) })
    .execute();
  return id;
}

/** The staged file, only for the staff member who uploaded it and only while fresh. */
export async function loadStagedImport(db: Kysely<Database>, key: Buffer, id: string, staffId: string) {
  const row = await db
    .selectFrom('leaver_import')
    .select(['file_name', 'sealed'])
    .where('id', '=', id)
    .where('staff_id', '=', staffId)
    .where('created_at', '>', sql<Date>`now() - ${KEEP}::interval`)
    .executeTakeFirst();
  if (!row) return undefined;
  return { fileName: row.file_name, bytes: Buffer.from(open(key, row.sealed, `import:${id}`), 'base64') };
}

export async function discardStagedImport(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('leaver_import').where('id', '=', id).execute();
}

export async function purgeStaleImports(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('leaver_import').where('created_at', '<=', sql<Date>`now() - ${KEEP}::interval`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
