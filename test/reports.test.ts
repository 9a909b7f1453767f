import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { quarterOf } from '../server/answers/cohort.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { type MessageKey, type Params, translate } from '../server/i18n/messages.ts';
import { quarterlyPdf } from '../server/reports/pdf.ts';
import { quarterlyData } from '../server/reports/quarterly-data.ts';
import { previousQuarter, today } from '../server/shared/dates.ts';
import { createSession } from '../server/staff/sessions.ts';
import { buildTestApp } from './helpers/app.ts';
import { csrf, staffCookie, staffUser } from './helpers/staff.ts';

const SHOTS = new URL('./e2e/screenshots/', import.meta.url).pathname;
const pdftotext = existsSync('/usr/bin/pdftotext') ? false : 'no pdftotext (apt-get install poppler-utils)';
const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
const lastQuarter = () => previousQuarter(quarterOf(today()));
// Seeds demo companies and renders their PDFs four times: about a minute alone on a 2-core VM,
// and past tap's 120 s when the VM is slow and another file runs beside it (seen in CI, embedded).
t.setTimeout(300_000);

t.test(
  'quarterly PDF: Japanese and English, suppression honoured, managers limited to their departments, downloads audited',
  { skip: pdftotext },
  async (t) => {
    const { app } = await buildTestApp(t);
    await seedDemo(app, 900);
    mkdirSync(SHOTS, { recursive: true });
    const quarter = lastQuarter();
    const id = async (name: string) =>
      (await app.db.selectFrom('department').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const hr = await staffCookie(app, 'hr');
    const download = (department: string, cookie: string, lang = 'ja') =>
      app.inject({ url: `/reports/quarterly/${quarter}.pdf?department=${department}&lang=${lang}`, headers: { cookie } });

    const sales = await download(await id('営業本部 Sales Division'), hr);
    t.equal(sales.statusCode, 200);
    t.equal(sales.headers['content-type'], 'application/pdf');
    writeFileSync(`${SHOTS}report-sales-ja.pdf`, sales.rawPayload);
    const ja = text(sales.rawPayload);
    t.match(ja, '四半期 退職者レポート');
    t.match(ja, '営業本部 Sales Division');
    t.match(ja, quarter);
    t.match(ja, /回答数\s+\d+/, 'the headline numbers are there');
    t.match(ja, '退職の一番の理由');

    // A division: its answers keep their quarter. (A department's may be stored only by year or
    // as the division, k-anonymous when released, and its quarter then has too few to show.)
    const en = await download(await id('営業本部 Sales Division'), hr, 'en');
    writeFileSync(`${SHOTS}report-sales-en.pdf`, en.rawPayload);
    t.match(text(en.rawPayload), /Quarterly leaver report[\s\S]*Responses\s+\d+/);

    const legal = await download(await id('法務課 Legal'), hr);
    writeFileSync(`${SHOTS}report-legal-ja.pdf`, legal.rawPayload);
    const small = text(legal.rawPayload);
    t.match(small, /回答数\s+非表示\*/, 'a unit below k: suppressed, marked');
    t.match(small, '自由記述は掲載しません');
    t.notMatch(small, /回答数\s+\d/, 'and no number for it');

    const manager = await staffUser(app, 'manager', 'dev@example.co.jp');
    await app.db
      .insertInto('staff_department')
      .values({ user_id: manager.id, department_id: await id('開発本部 Engineering Division') })
      .execute();
    const cookie = `${csrf(app).cookie}; honne_session=${await createSession(app.db, manager.id)}`;
    t.equal((await download(await id('品質保証部 Quality Assurance'), cookie)).statusCode, 200, 'a sub-department of their own');
    t.equal((await download(await id('営業本部 Sales Division'), cookie)).statusCode, 403, 'another department: refused');
    t.equal(
      (await app.inject({ url: `/reports/quarterly/${quarter}.pdf?department=${await id('営業本部 Sales Division')}` })).statusCode,
      303,
      'anonymous: to sign-in',
    );
    const page = await app.inject({ url: '/staff/reports', headers: { cookie } });
    t.match(page.body, '品質保証部');
    t.notMatch(page.body, '営業本部');

    const audit = await app.db.selectFrom('audit_event').select('details').where('action', '=', 'report_exported').execute();
    t.equal(audit.length, 4, 'every download is audited');
  },
);

t.test(
  "the batch writes every department's PDF and mails each manager theirs, as attachments through the outbox",
  { skip: pdftotext },
  async (t) => {
    const { app, mail } = await buildTestApp(t);
    await seedDemo(app, 300);
    const legal = await app.db.selectFrom('department').select('id').where('name', '=', '法務課 Legal').executeTakeFirstOrThrow();
    const manager = await staffUser(app, 'manager', 'houmu@example.co.jp');
    await app.db.updateTable('staff_user').set({ locale: 'en' }).where('id', '=', manager.id).execute();
    await app.db.insertInto('staff_department').values({ user_id: manager.id, department_id: legal.id }).execute();
    const { mailQuarterlyReports, writeQuarterlyReports } = await import('../server/reports/batch.ts');
    const out = t.testdir();
    const progress: number[] = [];
    t.equal(
      await writeQuarterlyReports(app, { quarter: lastQuarter(), outDir: out, locale: 'ja', onProgress: (done) => progress.push(done) }),
      13,
    );
    t.equal(await mailQuarterlyReports(app, { quarter: lastQuarter(), locale: 'ja' }), 1);
    t.equal(progress.at(-1), 13);
    const { readdirSync } = await import('node:fs');
    t.equal(readdirSync(out).filter((f) => f.endsWith('.pdf')).length, 13);
    await app.worker.runOnce();
    const sent = mail.sent.filter((m) => m.to === 'houmu@example.co.jp');
    t.equal(sent.length, 1);
    t.match(sent[0]!.subject, /quarterly leaver reports/, "in the manager's language");
    t.equal(sent[0]!.attachments?.length, 1);
    t.match(text(Buffer.from(sent[0]!.attachments![0]!.base64, 'base64')), /Quarterly leaver report[\s\S]*法務課 Legal/);
  },
);

t.test(
  "the font parsed once per process gives the same PDF text as pdfkit's own loading, with one embedded font",
  { skip: pdftotext },
  async (t) => {
    const { app } = await buildTestApp(t);
    await seedDemo(app, 300);
    const department = await app.db
      .selectFrom('department')
      .select('id')
      .where('name', '=', '営業本部 Sales Division')
      .executeTakeFirstOrThrow();
    const data = await quarterlyData(app, lastQuarter(), department.id, { all: true }, 'ja');
    const meta = { locale: 'ja' as const, organisation: 'Honne', generatedOn: today(), tenureLabel: String, exitLabel: String };
    const tr = (key: MessageKey, params?: Params) => translate('ja', key, params);
    const own = await quarterlyPdf(data, tr, { ...meta, font: { shareParsedFont: false } });
    const shared = await quarterlyPdf(data, tr, meta);
    const again = await quarterlyPdf(data, tr, meta);
    t.equal(text(shared), text(own), 'same text');
    t.equal(text(again), text(own), 'and the same for the next document sharing the parsed font');
    for (const pdf of [own, shared]) {
      const fonts = execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8').trim().split('\n').slice(2);
      t.equal(fonts.length, 1, 'one embedded font');
      t.match(fonts[0], /NotoSansJP-Regular.*yes/, 'Noto Sans JP, embedded (subset)');
    }
  },
);

t.test(
  'scheduled: when a quarter starts and the setting is on, each manager is mailed once, by one instance',
  { skip: pdftotext },
  async (t) => {
    const { app, mail } = await buildTestApp(t);
    await seedDemo(app, 300);
    const legal = await app.db.selectFrom('department').select('id').where('name', '=', '法務課 Legal').executeTakeFirstOrThrow();
    const manager = await staffUser(app, 'manager', 'houmu@example.co.jp');
    await app.db.insertInto('staff_department').values({ user_id: manager.id, department_id: legal.id }).execute();
    const { sendScheduledQuarterlyReports } = await import('../server/reports/schedule.ts');
    t.equal(await sendScheduledQuarterlyReports(app), 0, 'off by default');

    const admin = await staffCookie(app, 'admin');
    const saved = await app.inject({
      method: 'POST',
      url: '/staff/settings',
      headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf(app).field,
        senderName: '',
        inviteTiming: 'on_create',
        inviteDaysBefore: '',
        reminderDays: '3, 7',
        expiryDays: '30',
        retentionDays: '180',
        quarterlyReports: 'on',
      }).toString(),
    });
    t.equal(saved.statusCode, 303);
    const settings = await app.db
      .selectFrom('org_settings')
      .select(['quarterly_reports', 'quarterly_reports_done_for'])
      .executeTakeFirstOrThrow();
    t.same(settings, { quarterly_reports: true, quarterly_reports_done_for: lastQuarter() }, 'switching on skips the quarter just ended');
    t.equal(await sendScheduledQuarterlyReports(app), 0);

    // A new quarter has started since the last run.
    await app.db
      .updateTable('org_settings')
      .set({ quarterly_reports_done_for: previousQuarter(lastQuarter()) })
      .execute();
    const [a, b] = await Promise.all([sendScheduledQuarterlyReports(app), sendScheduledQuarterlyReports(app)]);
    t.same([a, b].sort(), [0, 1], 'two instances at once: one sends');
    await app.worker.runOnce();
    const sent = mail.sent.filter((m) => m.to === 'houmu@example.co.jp');
    t.equal(sent.length, 1);
    t.match(
      text(Buffer.from(sent[0]!.attachments![0]!.base64, 'base64')),
      new RegExp(`四半期 退職者レポート[\\s\\S]*${lastQuarter()}`),
      "the quarter that ended, in the manager's language (Japanese by default)",
    );
    t.equal(
      (await app.db.selectFrom('org_settings').select('quarterly_reports_done_for').executeTakeFirstOrThrow()).quarterly_reports_done_for,
      lastQuarter(),
    );
    t.equal(await sendScheduledQuarterlyReports(app), 0, 'not again this quarter');
  },
);
