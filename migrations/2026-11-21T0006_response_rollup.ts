import { type Kysely, sql } from 'kysely';

// Frozen: never edit once landed; add a new migration instead.
// Per-cohort counts kept up to date when answers are released, so reports never
// scan the JSON answers. `counts` maps "primary:<code>", "reason:<code>",
// "enps:<0-10>", "would_return:<1-5>" and "manager_support:<1-5>" to a count.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE response_rollup (
      quarter text NOT NULL,
      department_id uuid NOT NULL REFERENCES department (id),
      tenure_band text NOT NULL,
      exit_type text NOT NULL,
      responses integer NOT NULL,
      counts jsonb NOT NULL,
      PRIMARY KEY (quarter, department_id, tenure_band, exit_type)
    )`.execute(db);

  // Responses released before this migration.
  await sql`
    INSERT INTO response_rollup (quarter, department_id, tenure_band, exit_type, responses, counts)
    SELECT c.quarter, c.department_id, c.tenure_band, c.exit_type, c.responses, coalesce(k.counts, '{}'::jsonb)
    FROM (SELECT quarter, department_id, tenure_band, exit_type, count(*)::int AS responses
          FROM response GROUP BY 1, 2, 3, 4) c
    LEFT JOIN LATERAL (
      SELECT jsonb_object_agg(key, n) AS counts FROM (
        SELECT key, count(*)::int AS n FROM (
          SELECT 'primary:' || (r.answers ->> 'primary_reason') AS key FROM response r
            WHERE r.quarter = c.quarter AND r.department_id = c.department_id AND r.tenure_band = c.tenure_band AND r.exit_type = c.exit_type AND r.answers ? 'primary_reason'
          UNION ALL
          SELECT 'reason:' || x FROM response r, LATERAL (SELECT DISTINCT x FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(r.answers -> 'reasons') = 'array' THEN r.answers -> 'reasons' ELSE '[]' END) x) reasons
            WHERE r.quarter = c.quarter AND r.department_id = c.department_id AND r.tenure_band = c.tenure_band AND r.exit_type = c.exit_type
          UNION ALL
          SELECT q || ':' || (r.answers ->> q) FROM response r, unnest(ARRAY['enps', 'would_return', 'manager_support']) q
            WHERE r.quarter = c.quarter AND r.department_id = c.department_id AND r.tenure_band = c.tenure_band AND r.exit_type = c.exit_type AND r.answers ? q
        ) keys GROUP BY key) grouped
    ) k ON true`.execute(db);
  await sql`CREATE INDEX response_cohort ON response (quarter, department_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX response_cohort`.execute(db);
  await sql`DROP TABLE response_rollup`.execute(db);
}
