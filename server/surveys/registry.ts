import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Kysely } from 'kysely';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';

export interface SurveyVersion {
  id: string;
  survey: string;
  hash: string;
  definition: Record<string, unknown>;
}

export interface SurveyFile {
  survey: string;
  hash: string;
  definition: Record<string, unknown>;
}

/** The hash is of the parsed JSON, so re-indenting a file does not make a new version. */
export function hashDefinition(definition: unknown): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

export async function readSurveyFiles(dir: string): Promise<SurveyFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (name) => {
      const definition = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      return { survey: basename(name, '.json'), hash: hashDefinition(definition), definition };
    }),
  );
}

/**
 * Stores each definition once per content hash (several instances may start at once:
 * ON CONFLICT keeps that safe) and returns the stored versions.
 */
export async function storeSurveyVersions(db: Kysely<Database>, files: SurveyFile[]): Promise<SurveyVersion[]> {
  const versions: SurveyVersion[] = [];
  for (const file of files) {
    await db
      .insertInto('survey_version')
      .values({ survey: file.survey, hash: file.hash, definition: jsonb(file.definition) })
      .onConflict((oc) => oc.columns(['survey', 'hash']).doNothing())
      .execute();
    const row = await db
      .selectFrom('survey_version')
      .select('id')
      .where('survey', '=', file.survey)
      .where('hash', '=', file.hash)
      .executeTakeFirstOrThrow();
    versions.push({ id: row.id, ...file });
  }
  return versions;
}

export async function findSurveyVersion(db: Kysely<Database>, id: string): Promise<SurveyVersion | undefined> {
  const row = await db.selectFrom('survey_version').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, survey: row.survey, hash: row.hash, definition: row.definition as Record<string, unknown> };
}
