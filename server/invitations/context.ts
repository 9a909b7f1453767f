import type { FastifyInstance } from 'fastify';
import type { InvitationContext } from './issue.ts';

export function invitationContext(app: FastifyInstance): InvitationContext {
  return {
    publicUrl: app.config.publicUrl,
    orgName: app.config.orgName,
    expiryDays: app.config.inviteExpiryDays,
    outboxKey: app.keys.outbox,
    render: app.mail.render,
  };
}
