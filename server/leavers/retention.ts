import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../audit/record.ts';
import type { Database } from '../db/schema.ts';

/**
 * Erases the personal data (employee id, name, email, rehire note) of leavers whose
 * invitations were completed or expired more than the retention period ago. The row
 * stays, with department, dates and exit type, so response rates still add up; the
 * anonymous responses were never linked to it. The audit log's mentions of those
 * leavers lose their employee id too, and the purge itself is audited.
 */
export async function erasePersonalDataPastRetention(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; retention_days: number }>`
      UPDATE leaver l SET employee_id = NULL, name = NULL, email = NULL, rehire_note = NULL, erased_at = now()
      FROM org_settings s
      WHERE l.erased_at IS NULL AND l.invite_on IS NULL
        AND EXISTS (SELECT 1 FROM invitation i WHERE i.leaver_id = l.id)
        AND NOT EXISTS (
          SELECT 1 FROM invitation i
          WHERE i.leaver_id = l.id AND coalesce(i.completed_on, i.expires_on) + s.retention_days >= current_date)
      RETURNING l.id, s.retention_days`.execute(trx);
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    // An SMTP refusal message may quote the address.
    await trx
      .updateTable('mail_outbox')
      .set({ last_error: null })
      .where('invitation_id', 'in', (eb) => eb.selectFrom('invitation').select('id').where('leaver_id', 'in', ids))
      .execute();
    await trx.updateTable('audit_event').set({ target: null }).where(sql<string>`details ->> 'leaverId'`, 'in', ids).execute();
    await recordAudit(trx, {
      action: 'retention_purge',
      actorLabel: 'system',
      details: { leavers: rows.length, retentionDays: rows[0]!.retention_days },
    });
    return rows.length;
  });
}
