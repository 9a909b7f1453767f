import { type Kysely, sql } from 'kysely';
import type { Database, ExitType, Regrettable } from '../db/schema.ts';
import { shuffle } from '../crypto/shuffle.ts';
import { QUARTERS } from './lattice.ts';

const TEXT_QUESTIONS = ['liked_most', 'improvement', 'comments', 'primary_reason_other'] as const;

/**
 * Free-text answers of a group the caller has already checked is shown (at least
 * k responses): in random order, without dates or any other field.
 */
export async function groupComments(
  db: Kysely<Database>,
  group: {
    year: number;
    period: string;
    departmentIds: string[];
    wholeOrganisation: boolean;
    exitType?: ExitType;
    regrettable?: Regrettable;
    primaryReason?: string;
  },
  limit = 300,
): Promise<string[]> {
  // The whole year and the whole organisation include answers known only at that level.
  const quarters =
    group.period === 'Y' ? [...QUARTERS.map((q) => `${group.year}-${q}`), String(group.year)] : [`${group.year}-${group.period}`];
  const rows = await db
    .selectFrom('response')
    .select(TEXT_QUESTIONS.map((q) => sql<string | null>`answers ->> ${q}`.as(q)))
    .where('quarter', 'in', quarters)
    .where((eb) => {
      const within = group.departmentIds.length > 0 ? [eb('department_id', 'in', group.departmentIds)] : [];
      return eb.or(group.wholeOrganisation ? [eb('department_id', 'is', null), ...within] : within);
    })
    .$if(group.exitType !== undefined, (q) => q.where('exit_type', '=', group.exitType!))
    .$if(group.regrettable !== undefined, (q) => q.where('regrettable', '=', group.regrettable!))
    .$if(group.primaryReason !== undefined, (q) => q.where(sql`answers ->> 'primary_reason'`, '=', group.primaryReason!))
    .orderBy(sql`random()`)
    .limit(limit)
    .execute();
  // Shuffled again as single texts, so that one person's answers do not sit together.
  return shuffle(rows.flatMap((row) => TEXT_QUESTIONS.map((q) => row[q]?.trim()).filter((text): text is string => Boolean(text))));
}
