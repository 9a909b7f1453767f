import type { Kysely } from 'kysely';
import type { Database, Locale } from '../db/schema.ts';
import { newToken, open, seal, sha256 } from '../crypto/seal.ts';
import { outboxRow } from '../mail/outbox.ts';
import type { MailRenderer } from '../mail/render.ts';
import type { MailKind, OrgSettings } from '../settings/settings.ts';
import { addDays, today } from '../shared/dates.ts';

export interface InvitationContext {
  publicUrl: string;
  /** The sender name from the settings, else ORG_NAME. */
  company: string;
  settings: OrgSettings;
  outboxKey: Buffer;
  render: MailRenderer;
  /** The leaver's personal link to join the alumni network, offered in every survey mail. */
  joinLink(leaverId: string): string;
}

export interface IssuedInvitation {
  invitationId: string;
  /** Returned to the caller only (tests, benchmarks); stored only sealed. */
  token: string;
}

export interface Recipient {
  /** The leaver's id. */
  id: string;
  name: string;
  email: string;
  lastDay: string;
  locale: Locale;
}

/** Open until `expiryDays` after the last day, or after today when HR invites late. */
export function expiryFor(lastDay: string, expiryDays: number): string {
  const from = lastDay > today() ? lastDay : today();
  return addDays(from, expiryDays);
}

/** The sealed link is bound to its invitation, so it cannot be moved to another row. */
export const sealToken = (key: Buffer, invitationId: string, token: string) => seal(key, token, `invitation:${invitationId}`);
export const openToken = (key: Buffer, invitationId: string, sealed: Buffer) => open(key, sealed, `invitation:${invitationId}`);

/** The outbox row of an invitation or reminder mail for a link. */
export function surveyMailRow(
  ctx: InvitationContext,
  kind: MailKind,
  invitation: { id: string; token: string; expiresOn: string },
  to: Recipient,
) {
  const message = ctx.render.survey(
    kind,
    to.email,
    {
      locale: to.locale,
      name: to.name,
      link: `${ctx.publicUrl}/s/${invitation.token}`,
      expiresOn: invitation.expiresOn,
      company: ctx.company,
      alumniLink: ctx.joinLink(to.id),
    },
    ctx.settings.mailTemplates[kind]?.[to.locale],
  );
  return outboxRow(ctx.outboxKey, { kind, invitationId: invitation.id, message: { ...message, fromName: ctx.company } });
}

/** Queues an invitation or reminder mail for a link, in the caller's transaction. */
export async function queueSurveyMail(
  trx: Kysely<Database>,
  ctx: InvitationContext,
  kind: MailKind,
  invitation: { id: string; token: string; expiresOn: string },
  to: Recipient,
): Promise<void> {
  await trx
    .insertInto('mail_outbox')
    .values(surveyMailRow(ctx, kind, invitation, to))
    .execute();
}

/** A new link for a leaver: the invitation row (the token's hash, the token sealed) and its mail. */
export function newInvitation(ctx: InvitationContext, leaver: Recipient, survey: string) {
  const token = newToken();
  const id = crypto.randomUUID();
  const expiresOn = expiryFor(leaver.lastDay, ctx.settings.expiryDays);
  return {
    token,
    invitation: {
      id,
      leaver_id: leaver.id,
      survey,
      token_hash: sha256(token),
      sealed_token: sealToken(ctx.outboxKey, id, token),
      expires_on: expiresOn,
    },
    mail: surveyMailRow(ctx, 'invitation', { id, token, expiresOn }, leaver),
  };
}

/** Creates the link and queues its mail, in the caller's transaction. */
export async function issueInvitation(
  trx: Kysely<Database>,
  ctx: InvitationContext,
  leaver: Recipient,
  survey: string,
): Promise<IssuedInvitation> {
  const { token, invitation, mail } = newInvitation(ctx, leaver, survey);
  await trx.insertInto('invitation').values(invitation).execute();
  await trx.insertInto('mail_outbox').values(mail).execute();
  return { invitationId: invitation.id, token };
}

/** The day to invite a leaver, or undefined to invite now (no lead time set, or already inside it). */
export function scheduledInviteDay(settings: OrgSettings, lastDay: string): string | undefined {
  if (settings.inviteDaysBefore === null) return undefined;
  const day = addDays(lastDay, -settings.inviteDaysBefore);
  return day > today() ? day : undefined;
}
