import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { CsrfField } from '../web/csrf.ts';
import { DEFAULT_SURVEY } from '../surveys/plugin.ts';
import { invitationContext } from './context.ts';
import { issueNewLink, resendInvitation } from './resend.ts';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** HR resends an invitation, or replaces its link; both are audited. */
export const invitationStaffRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hrOnly = app.requireStaff(['admin', 'hr']);
  const actions = [
    ['resend', resendInvitation, 'invitation_resent'],
    ['new-link', issueNewLink, 'invitation_new_link'],
  ] as const;
  for (const [path, act, action] of actions) {
    app.post(
      `/staff/leavers/:id/${path}`,
      { preHandler: hrOnly, schema: { params: Params, body: Type.Object(CsrfField) } },
      async (request, reply) => {
        const outcome = await act(app.db, await invitationContext(app), request.params.id, DEFAULT_SURVEY);
        await recordAudit(app.db, { action, actor: request.staff, ip: request.ip, details: { leaverId: request.params.id, outcome } });
        app.worker.wake();
        return reply.redirect(`/staff/leavers/${request.params.id}?done=${outcome}`, 303);
      },
    );
  }
};
