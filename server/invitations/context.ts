import type { FastifyInstance } from 'fastify';
import { signId } from '../alumni/signed-id.ts';
import { loadSettings } from '../settings/settings.ts';
import type { InvitationContext } from './issue.ts';

/** What issuing and mailing links needs, with the organisation's current settings. */
export async function invitationContext(app: FastifyInstance): Promise<InvitationContext> {
  const settings = await loadSettings(app.db);
  return {
    publicUrl: app.config.publicUrl,
    company: settings.senderName ?? app.config.orgName,
    settings,
    outboxKey: app.keys.outbox,
    render: app.mail.render,
    joinLink: (leaverId) => `${app.config.publicUrl}/alumni/join/${signId(app.keys.alumniLinks, 'join', leaverId)}`,
  };
}
