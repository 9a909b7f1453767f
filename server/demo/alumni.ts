import type { FastifyInstance } from 'fastify';
import { consentRows } from '../alumni/membership.ts';
import { CONSENT_PURPOSES } from '../db/alumni-schema.ts';
import type { Locale } from '../db/schema.ts';
import { saveAction } from '../improvements/actions.ts';
import { addDays, today } from '../shared/dates.ts';
import { seededRandom } from './answers.ts';

const COMPANIES = ['株式会社みらい', 'Northwind KK', '合同会社つばさ', 'Contoso Japan', '株式会社あおば', null];
/** How likely a demo member gave each consent. */
const CONSENT_ODDS = { newsletter: 0.8, events: 0.4, rehire: 0.3, referrals: 0.2, partnership: 0.1 };

/**
 * Demo alumni (about one leaver in seven joined, verified; a few rehired) and
 * three "you said, we did" actions, so the alumni pages, the directory, the
 * dashboard and the quarterly PDFs have something to show. Written straight to
 * the tables: the demo addresses receive no mail.
 */
export async function seedDemoAlumni(app: FastifyInstance, seed = 7): Promise<{ alumni: number; actions: number }> {
  const random = seededRandom(seed);
  const now = today();
  const leavers = await app.db
    .selectFrom('leaver')
    .select(['id', 'name', 'department_id', 'last_day', 'locale'])
    .where('employee_id', 'like', 'DEMO-%')
    .orderBy('employee_id')
    .execute();
  let alumni = 0;
  await app.db.transaction().execute(async (trx) => {
    for (const [i, leaver] of leavers.entries()) {
      if (random() > 0.15 || leaver.last_day > now) continue;
      const joined = [addDays(leaver.last_day, Math.floor(random() * 60)), now].sort()[0]!;
      const rehired = random() < 0.08 ? [addDays(joined, 90 + Math.floor(random() * 400)), now].sort()[0]! : null;
      const { id } = await trx
        .insertInto('alumni')
        .values({
          leaver_id: leaver.id,
          department_id: leaver.department_id,
          left_year: Number(leaver.last_day.slice(0, 4)),
          name: leaver.name ?? `Demo ${i}`,
          email: `alumni${i}@demo-personal.example`,
          email_verified_on: joined,
          company: COMPANIES[Math.floor(random() * COMPANIES.length)] ?? null,
          locale: leaver.locale as Locale,
          joined_on: joined,
          rehired_on: rehired,
          rehired_department_id: rehired ? leaver.department_id : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const consents = CONSENT_PURPOSES.filter((purpose) => random() < CONSENT_ODDS[purpose]);
      if (consents.length)
        await trx
          .insertInto('alumni_consent')
          .values(consentRows(id, consents, leaver.locale as Locale).map((c) => ({ ...c, given_on: joined })))
          .execute();
      alumni++;
    }
    const sales = await trx.selectFrom('department').select('id').where('name', '=', '営業本部 Sales Division').executeTakeFirst();
    const base = { descriptionJa: '', descriptionEn: '', startedOn: null, doneOn: null };
    await saveAction(trx, undefined, {
      ...base,
      titleJa: '評価基準の公開と半期ごとのキャリア面談',
      titleEn: 'Published promotion criteria and twice-yearly career talks',
      descriptionJa: '等級ごとの期待役割を社内に公開し、全員が半期に一度キャリア面談を受けられるようにしました。',
      descriptionEn: 'Role expectations for every grade are now public, and everyone has a career talk every six months.',
      reasonCodes: ['career_growth', 'evaluation'],
      departmentIds: [],
      status: 'done',
      startedOn: addDays(now, -300),
      doneOn: addDays(now, -120),
      published: true,
    });
    await saveAction(trx, undefined, {
      ...base,
      titleJa: '営業部門の 1on1 導入',
      titleEn: 'One-on-ones in Sales',
      descriptionJa: 'マネージャー研修を行い、隔週の 1on1 を始めました。',
      descriptionEn: 'Managers were trained and hold one-on-ones every two weeks.',
      reasonCodes: ['manager', 'relationships'],
      departmentIds: sales ? [sales.id] : [],
      status: 'in_progress',
      startedOn: addDays(now, -90),
      published: true,
    });
    await saveAction(trx, undefined, {
      ...base,
      titleJa: '給与テーブルの見直し',
      titleEn: 'Salary bands review',
      reasonCodes: ['pay_benefits'],
      departmentIds: [],
      status: 'planned',
      published: false,
    });
  });
  return { alumni, actions: 3 };
}
