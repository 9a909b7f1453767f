import { type Kysely, sql } from 'kysely';
import { sha256 } from '../crypto/seal.ts';
import { jsonb } from '../db/jsonb.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import type { Locale } from '../i18n/messages.ts';

export type LinkState = 'open' | 'completed' | 'expired';

export interface InvitationForRespondent {
  id: string;
  leaverId: string;
  survey: string;
  state: LinkState;
  opened: boolean;
  locale: Locale;
  departmentId: string;
  hireDate: string;
  lastDay: string;
  exitType: Database['leaver']['exit_type'];
  regrettable: boolean | null;
}

/** Looks a survey link up by the hash of its token: the token itself is never stored. */
export async function findInvitationByToken(db: Kysely<Database>, token: string): Promise<InvitationForRespondent | undefined> {
  const [invitation] = await findInvitationsByTokens(db, [token]);
  return invitation;
}

/** The same for many links at once (one query), answering in the order asked. */
export async function findInvitationsByTokens(db: Kysely<Database>, tokens: string[]): Promise<(InvitationForRespondent | undefined)[]> {
  const hashes = tokens.map((token) => sha256(token).toString('hex'));
  // Raw SQL: this runs on every survey request, and the query builder cost more than the query.
  const { rows } = await sql<{
    token_hash: string;
    id: string;
    leaver_id: string;
    survey: string;
    completed_on: string | null;
    opened_on: string | null;
    expired: boolean;
    locale: Locale;
    department_id: string;
    hire_date: string;
    last_day: string;
    exit_type: Database['leaver']['exit_type'];
    regrettable: boolean | null;
  }>`
    SELECT encode(i.token_hash, 'hex') AS token_hash, i.id, i.leaver_id, i.survey, i.completed_on, i.opened_on, i.expires_on < current_date AS expired,
      l.locale, l.department_id, l.hire_date, l.last_day, l.exit_type, l.regrettable
    FROM invitation i JOIN leaver l ON l.id = i.leaver_id
    WHERE i.token_hash = ANY (ARRAY(SELECT decode(h, 'hex') FROM jsonb_array_elements_text(${jsonb(hashes)}) AS h))`.execute(db);
  const byHash = new Map(rows.map((row) => [row.token_hash, row]));
  return hashes.map((hash) => {
    const row = byHash.get(hash);
    return (
      row && {
        id: row.id,
        leaverId: row.leaver_id,
        survey: row.survey,
        state: row.completed_on ? 'completed' : row.expired ? 'expired' : 'open',
        opened: row.opened_on !== null,
        locale: row.locale,
        departmentId: row.department_id,
        hireDate: row.hire_date,
        lastDay: row.last_day,
        exitType: row.exit_type,
        regrettable: row.regrettable,
      }
    );
  });
}

const LINK_ERRORS = {
  unknown: { code: 'link_unknown', status: 404, titleKey: 'link.unknown.title', messageKey: 'link.unknown.body' },
  expired: { code: 'link_expired', status: 410, titleKey: 'link.expired.title', messageKey: 'link.expired.body' },
  completed: { code: 'link_completed', status: 409, titleKey: 'link.completed.title', messageKey: 'link.completed.body' },
} as const;

export function linkError(state: keyof typeof LINK_ERRORS): AppError {
  return new AppError(LINK_ERRORS[state]);
}

/** The invitation behind a link that can still be answered, or the error page that says why not. */
export function requireOpen(invitation: InvitationForRespondent | null): InvitationForRespondent {
  if (!invitation) throw linkError('unknown');
  if (invitation.state !== 'open') throw linkError(invitation.state);
  return invitation;
}

/** The first opening of a link, as a day only (privacy rule 2). */
export async function markOpened(db: Kysely<Database>, invitationId: string): Promise<void> {
  await db
    .updateTable('invitation')
    .set({ opened_on: sql<string>`current_date` })
    .where('id', '=', invitationId)
    .where('opened_on', 'is', null)
    .execute();
}
