import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { invitationContext } from '../../server/invitations/context.ts';
import type { HrFields, LeaverInput } from '../../server/leavers/leaver-input.ts';
import { registerLeaver } from '../../server/leavers/register-leaver.ts';
import { DEFAULT_SURVEY } from '../../server/surveys/plugin.ts';

let counter = 0;

export function leaverInput(overrides: Partial<LeaverInput> = {}): LeaverInput {
  counter++;
  return {
    employeeId: `E${String(counter).padStart(5, '0')}`,
    name: `退職 太郎${counter}`,
    email: `leaver${counter}@example.com`,
    department: '営業部',
    hireDate: '2019-04-01',
    lastDay: '2099-03-31',
    exitType: 'voluntary',
    locale: 'ja',
    ...overrides,
  };
}

/** Registers a leaver through the same service as the API; returns the link's token too. */
export async function invitedLeaver(app: FastifyInstance, overrides: Partial<LeaverInput> = {}, hr?: HrFields) {
  const input = leaverInput(overrides);
  const result = await registerLeaver(app.db, { ...(await invitationContext(app)), survey: DEFAULT_SURVEY }, input, hr);
  return { ...result, token: result.token!, invitationId: result.invitationId!, input };
}

/** A complete, valid set of answers to the default exit interview. */
export function validAnswers(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    primary_reason: 'career_growth',
    reasons: ['pay_benefits', 'manager'],
    manager_aspects: ['growth_support'],
    manager_support: 2,
    enps: 6,
    would_return: 4,
    improvement: 'もっと成長の機会がほしい',
    ...overrides,
  };
}

/** Moves an invitation's expiry into the past (registering with an old last day no longer does). */
export async function expireInvitation(app: FastifyInstance, invitationId: string) {
  await app.db.updateTable('invitation').set({ expires_on: sql<string>`current_date - 1` }).where('id', '=', invitationId).execute();
}
