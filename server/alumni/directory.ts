import { type Kysely, sql } from 'kysely';
import { containsPattern } from '../db/like.ts';
import type { ConsentPurpose } from '../db/alumni-schema.ts';
import type { Database, RehireEligibility } from '../db/schema.ts';

export interface DirectoryFilter {
  q?: string;
  /** Only members who gave this consent. */
  consent?: ConsentPurpose;
  /** A department and those below it. */
  departmentIds?: string[];
  leftYear?: number;
  eligibility?: RehireEligibility | 'unknown';
  rehired?: boolean;
}

export const PAGE_SIZE = 50;

/**
 * Verified members matching the filter, newest first. Rehire interest is the
 * "rehire" consent; eligibility is HR's own judgement, read from the leaver record.
 */
function directoryQuery(db: Kysely<Database>, filter: DirectoryFilter) {
  return db
    .selectFrom('alumni as a')
    .leftJoin('leaver as l', 'l.id', 'a.leaver_id')
    .leftJoin('department as d', 'd.id', 'a.department_id')
    .where('a.email_verified_on', 'is not', null)
    .$if(Boolean(filter.q), (q) => {
      const pattern = containsPattern(filter.q!.trim());
      return q.where((eb) =>
        eb.or([
          eb('a.name', 'ilike', pattern),
          eb('a.email', 'ilike', pattern),
          eb('a.company', 'ilike', pattern),
          eb('a.job_title', 'ilike', pattern),
        ]),
      );
    })
    .$if(filter.consent !== undefined, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('alumni_consent as c')
            .select('c.alumni_id')
            .whereRef('c.alumni_id', '=', 'a.id')
            .where('c.purpose', '=', filter.consent!),
        ),
      ),
    )
    .$if(filter.departmentIds !== undefined, (q) => q.where('a.department_id', 'in', filter.departmentIds!))
    .$if(filter.leftYear !== undefined, (q) => q.where('a.left_year', '=', filter.leftYear!))
    .$if(filter.eligibility !== undefined, (q) =>
      filter.eligibility === 'unknown'
        ? q.where('l.rehire_eligibility', 'is', null)
        : q.where('l.rehire_eligibility', '=', filter.eligibility as RehireEligibility),
    )
    .$if(filter.rehired !== undefined, (q) => q.where('a.rehired_on', filter.rehired ? 'is not' : 'is', null));
}

const consentsOf = sql<string>`(SELECT coalesce(string_agg(c.purpose, ',' ORDER BY c.purpose), '') FROM alumni_consent c WHERE c.alumni_id = a.id)`;

export async function listDirectory(db: Kysely<Database>, filter: DirectoryFilter, page: number) {
  const [rows, total] = await Promise.all([
    directoryQuery(db, filter)
      .select([
        'a.id',
        'a.name',
        'a.email',
        'a.company',
        'a.job_title',
        'a.left_year',
        'a.joined_on',
        'a.rehired_on',
        'd.name as department',
        'l.rehire_eligibility',
        consentsOf.as('consents'),
      ])
      .orderBy('a.joined_on', 'desc')
      .orderBy('a.name')
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute(),
    directoryQuery(db, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((row) => ({ ...row, consents: row.consents ? row.consents.split(',') : [] })), total: Number(total.n) };
}

/**
 * The rows of an export for one purpose: only members who consented to it, whatever
 * the other filters say, and never HR's eligibility field.
 */
export async function exportRows(db: Kysely<Database>, filter: DirectoryFilter, purpose: ConsentPurpose) {
  return directoryQuery(db, { ...filter, consent: purpose })
    .innerJoin('alumni_consent as given', (join) => join.onRef('given.alumni_id', '=', 'a.id').on('given.purpose', '=', purpose))
    .select([
      'a.name',
      'a.email',
      'a.company',
      'a.job_title',
      'a.profile_url',
      'd.name as department',
      'a.left_year',
      'a.locale',
      'given.given_on',
    ])
    .orderBy('a.name')
    .execute();
}

/** Boomerangs per year: members rehired that year, against members who had joined by its end. */
export async function boomerangsByYear(db: Kysely<Database>) {
  const { rows } = await sql<{ year: number; rehired: number; alumni: number }>`
    WITH years AS (
      SELECT DISTINCT extract(year FROM joined_on)::int AS year FROM alumni WHERE email_verified_on IS NOT NULL
      UNION SELECT DISTINCT extract(year FROM rehired_on)::int FROM alumni WHERE rehired_on IS NOT NULL)
    SELECT y.year,
      (SELECT count(*)::int FROM alumni a WHERE extract(year FROM a.rehired_on) = y.year) AS rehired,
      (SELECT count(*)::int FROM alumni a WHERE a.email_verified_on IS NOT NULL AND extract(year FROM a.joined_on) <= y.year) AS alumni
    FROM years y ORDER BY y.year DESC`.execute(db);
  return rows.map((row) => ({ ...row, rate: row.alumni > 0 ? Math.round((row.rehired / row.alumni) * 1000) / 1000 : null }));
}
