import { type Kysely, sql } from 'kysely';
import { containsPattern } from '../db/like.ts';
import type { Database } from '../db/schema.ts';
import type { AuditAction } from './record.ts';

export interface AuditFilter {
  action?: AuditAction;
  /** Part of the actor's label (email address). */
  actor?: string;
  /** Days, inclusive, 'YYYY-MM-DD'. */
  from?: string;
  to?: string;
  /** Keyset paging: events older than this id. */
  before?: number;
}

export const PAGE_SIZE = 50;

/** Newest first, one page; `next` is the id to page on from, when there is more. */
export async function listAuditEvents(db: Kysely<Database>, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_event')
    .select([
      'id',
      sql<string>`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`.as('at_utc'),
      'actor_label',
      'action',
      'target',
      'ip',
      'details',
    ])
    .orderBy('id', 'desc')
    .limit(PAGE_SIZE + 1);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actor) query = query.where('actor_label', 'ilike', containsPattern(filter.actor));
  if (filter.from) query = query.where('at', '>=', sql<Date>`${filter.from}::date`);
  if (filter.to) query = query.where('at', '<', sql<Date>`${filter.to}::date + 1`);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query.execute();
  return { events: rows.slice(0, PAGE_SIZE), next: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.id : undefined };
}
