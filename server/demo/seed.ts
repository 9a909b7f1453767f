import type { FastifyInstance } from 'fastify';
import { releaseAnswers } from '../answers/release.ts';
import { invitationContext } from '../invitations/context.ts';
import { registerLeaver } from '../leavers/register-leaver.ts';
import { MAX_REMINDERS } from '../settings/settings.ts';
import { quarterOf } from '../answers/cohort.ts';
import { addDays, today } from '../shared/dates.ts';
import { DEFAULT_SURVEY } from '../surveys/plugin.ts';
import { demoAnswers, pick, type Random, seededRandom } from './answers.ts';

/** The demo company: a Japanese tree (本部 > 部 > 課) with English names beside, weighted by size; two tiny units trigger suppression. */
const TREE: Array<{ name: string; parent?: string; weight: number }> = [
  { name: '営業本部 Sales Division', weight: 2 },
  { name: '第一営業部 Sales Dept. 1', parent: '営業本部 Sales Division', weight: 14 },
  { name: '法人営業課 Corporate Sales', parent: '第一営業部 Sales Dept. 1', weight: 8 },
  { name: '第二営業部 Sales Dept. 2', parent: '営業本部 Sales Division', weight: 12 },
  { name: '開発本部 Engineering Division', weight: 1 },
  { name: 'プロダクト開発部 Product Development', parent: '開発本部 Engineering Division', weight: 16 },
  { name: '品質保証部 Quality Assurance', parent: '開発本部 Engineering Division', weight: 6 },
  { name: 'カスタマーサクセス部 Customer Success', weight: 14 },
  { name: '管理本部 Corporate Division', weight: 1 },
  { name: '人事部 Human Resources', parent: '管理本部 Corporate Division', weight: 4 },
  { name: '経理部 Finance', parent: '管理本部 Corporate Division', weight: 4 },
  { name: '法務課 Legal', parent: '管理本部 Corporate Division', weight: 0.3 },
  { name: '広報室 Public Relations', weight: 0.3 },
];
const EXIT_WEIGHTS: Array<[string, number]> = [
  ['voluntary', 78],
  ['contract_end', 12],
  ['retirement', 5],
  ['involuntary', 5],
];
const FAMILY = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤'];
const GIVEN = ['太郎', '花子', '健', '美咲', '翔', '陽菜', '大輔', 'さくら', '直樹', '葵'];

export class DemoExistsError extends Error {}

/** HR marks about a third of voluntary leavers as a regrettable loss and leaves some unassessed. */
function regrettableJudgement(random: Random, exitType: string): boolean | null {
  if (exitType !== 'voluntary') return random() < 0.7 ? false : null;
  return pick(random, [
    [true, 35],
    [false, 45],
    [null, 20],
  ] as Array<[boolean | null, number]>);
}

function dayIn(random: Random, quarterStart: string, until: string): string {
  const day = addDays(quarterStart, Math.floor(random() * 90));
  return day > until ? until : day;
}

/**
 * Creates the demo organisation and its leavers over the last 8 quarters, and
 * completes about 70% of the surveys through the respondent's own route (the same
 * validation, sealing and pool), then releases the pool so the charts have data.
 * Its invitation mails are withdrawn and no reminders go out: the addresses are fake.
 */
export async function seedDemo(app: FastifyInstance, leavers: number, seed = 20261121): Promise<{ leavers: number; responses: number }> {
  if (await app.db.selectFrom('department').select('id').where('name', '=', TREE[0]!.name).executeTakeFirst()) {
    throw new DemoExistsError('The demo company is already there.');
  }
  const random = seededRandom(seed);
  // A stream of its own, so that HR's judgements do not change the rest of the demo company.
  const judge = seededRandom(seed + 1);
  const ids = new Map<string, string>();
  for (const node of TREE) {
    const { id } = await app.db
      .insertInto('department')
      .values({ name: node.name, parent_id: node.parent ? ids.get(node.parent)! : null })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(node.name, id);
  }
  const now = today();
  const year = Number(now.slice(0, 4));
  const quarter = Number(quarterOf(now).slice(6));
  const quarterStarts = Array.from({ length: 8 }, (_v, i) => {
    const n = year * 4 + quarter - 1 - i;
    return `${Math.floor(n / 4)}-${String((n % 4) * 3 + 1).padStart(2, '0')}-01`;
  });
  const ctx = { ...(await invitationContext(app)), survey: DEFAULT_SURVEY };
  let responses = 0;
  for (let i = 1; i <= leavers; i++) {
    const lastDay = dayIn(random, quarterStarts[Math.floor(random() * 8)]!, now);
    const exitType = pick(random, EXIT_WEIGHTS);
    const hireYears = exitType === 'retirement' ? 20 + Math.floor(random() * 15) : Math.floor(random() ** 1.6 * 15);
    const hireDate = addDays(lastDay, -(hireYears * 365 + Math.floor(random() * 300) + 30));
    const locale = random() < 0.85 ? 'ja' : 'en';
    const name = locale === 'ja' ? `${FAMILY[i % FAMILY.length]} ${GIVEN[Math.floor(random() * GIVEN.length)]}` : `Demo Person ${i}`;
    const department = pick(
      random,
      TREE.map((node) => [node.name, node.weight] as [string, number]),
    );
    const { token } = await registerLeaver(
      app.db,
      ctx,
      {
        employeeId: `DEMO-${String(i).padStart(5, '0')}`,
        name,
        email: `demo${i}@example.com`,
        department: ids.get(department)!,
        hireDate,
        lastDay,
        exitType: exitType as 'voluntary',
        locale,
      },
      { regrettable: regrettableJudgement(judge, exitType), rehireEligibility: null, rehireNote: null },
    );
    if (!token || random() > 0.7) continue;
    const res = await app.inject({
      method: 'POST',
      url: `/s/${token}/complete`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      payload: { answers: demoAnswers(random, locale, exitType) },
    });
    if (res.statusCode !== 201) throw new Error(`demo answer refused: ${res.body}`);
    responses++;
  }
  const demoInvitations = app.db
    .selectFrom('invitation')
    .innerJoin('leaver', 'leaver.id', 'invitation.leaver_id')
    .select('invitation.id')
    .where('leaver.employee_id', 'like', 'DEMO-%');
  await app.db.deleteFrom('mail_outbox').where('sent_at', 'is', null).where('invitation_id', 'in', demoInvitations).execute();
  await app.db.updateTable('invitation').set({ reminders_sent: MAX_REMINDERS }).where('id', 'in', demoInvitations).execute();
  await releaseAnswers(app.db, app.keys.answerPool, { k: app.config.anonymityK, maxDays: app.config.releaseMaxDays, force: true });
  return { leavers, responses };
}
