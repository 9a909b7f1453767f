import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { quarterOf } from '../server/answers/cohort.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { today } from '../server/shared/dates.ts';
import { joinedMember } from './helpers/alumni.ts';
import { buildTestApp } from './helpers/app.ts';
import { postForm, staffCookie } from './helpers/staff.ts';

t.test(
  'directory: filters by consent, department, year left, eligibility and rehire; the export holds only those who consented',
  async (t) => {
    const { app, mail } = await buildTestApp(t);
    const hr = await staffCookie(app, 'hr');
    const a = await joinedMember(app, mail.sent, { company: '=HYPERLINK("x")' }, ['newsletter', 'rehire']);
    const b = await joinedMember(app, mail.sent, {}, ['events']);
    const c = await joinedMember(app, mail.sent, {}, ['rehire', 'referrals']);
    await app.db.updateTable('leaver').set({ rehire_eligibility: 'eligible' }).where('id', 'in', [a.leaver.id, c.leaver.id]).execute();
    await app.db.updateTable('leaver').set({ rehire_eligibility: 'not_eligible' }).where('id', '=', b.leaver.id).execute();
    await app.db.updateTable('alumni').set({ left_year: 2024 }).where('id', '=', c.id).execute();

    const names = async (query: string) => {
      const res = await app.inject({ url: `/staff/alumni?${query}`, headers: { cookie: hr } });
      t.equal(res.statusCode, 200);
      return [a, b, c].filter((m) => res.body.includes(m.email)).map((m) => m.email);
    };
    t.same(await names(''), [a.email, b.email, c.email]);
    t.same(await names('consent=rehire'), [a.email, c.email], 'rehire interest');
    t.same(await names('consent=rehire&eligibility=eligible&leftYear=2024'), [c.email], 'combined with eligibility and year');
    t.same(await names('eligibility=not_eligible'), [b.email]);
    t.same(await names(`q=${encodeURIComponent(b.email.slice(0, 6))}`), [b.email], 'search');
    const sales = await app.db.selectFrom('department').select('id').where('name', '=', '営業部').executeTakeFirstOrThrow();
    t.same(await names(`department=${sales.id}`), [a.email, b.email, c.email]);

    const exported = await app.inject({ url: '/staff/alumni/export?consent=rehire&eligibility=eligible', headers: { cookie: hr } });
    t.equal(exported.statusCode, 200);
    t.match(exported.headers['content-type'], /text\/csv/);
    const csv = exported.body;
    t.ok(csv.startsWith('\uFEFF'), 'Excel-friendly BOM');
    t.match(csv, a.email);
    t.match(csv, c.email);
    t.notMatch(csv, b.email, 'no consent to the purpose: not exported');
    t.notMatch(csv, /eligib/i, 'eligibility is never in the file');
    t.match(csv, `"'=HYPERLINK(""x"")"`, 'a formula typed by an alumnus is defused');
    const events = await app.inject({ url: '/staff/alumni/export?consent=events&eligibility=eligible', headers: { cookie: hr } });
    t.equal(events.body.trim().split('\r\n').length, 1, 'filters and consent together: only the header');
    const noPurpose = await app.inject({ url: '/staff/alumni/export', headers: { cookie: hr } });
    t.equal(noPurpose.statusCode, 400, 'an export must name its purpose');
    const audit = await app.db.selectFrom('audit_event').select(['action', 'details']).where('action', '=', 'alumni_exported').execute();
    t.match(audit, [{ details: { purpose: 'rehire', rows: 2 } }, { details: { purpose: 'events', rows: 0 } }]);
    const unverified = await app.db.selectFrom('alumni').select('id').where('email_verified_on', 'is', null).execute();
    t.same(unverified, [], 'only verified members are listed');

    const portal = await app.inject({ url: '/alumni/me', headers: { cookie: a.cookie } });
    t.notMatch(portal.body, /eligible|再雇用の可否|採用可/, 'the alumnus never sees their eligibility');
  },
);

t.test('a boomerang hire is recorded and counted per year on the dashboard (HR only)', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  const a = await joinedMember(app, mail.sent);
  await joinedMember(app, mail.sent);
  const dept = await app.db.selectFrom('department').select('id').executeTakeFirstOrThrow();
  const noDept = await postForm(app, `/staff/alumni/${a.id}/rehire`, { rehiredOn: today(), departmentId: '' }, hr);
  t.equal(noDept.statusCode, 400);
  const rehired = await postForm(app, `/staff/alumni/${a.id}/rehire`, { rehiredOn: today(), departmentId: dept.id }, hr);
  t.equal(rehired.statusCode, 303);
  const page = await app.inject({ url: `/staff/alumni/${a.id}`, headers: { cookie: hr } });
  t.match(page.body, new RegExp(`value="${today()}"`));
  const dashboard = await app.inject({ url: '/staff/insights?lang=en', headers: { cookie: hr } });
  const table = /<table class="table compact" id="boomerangs">([\s\S]*?)<\/table>/.exec(dashboard.body)![1]!;
  t.match(table, new RegExp(`<td>${today().slice(0, 4)}</td><td>1</td><td>2</td><td>50%</td>`), 'one of two alumni rehired this year');
  t.match(table, /<th>Year<\/th><th>Rehired<\/th>/, "headed by its columns' names");
  const manager = await staffCookie(app, 'manager');
  const managers = await app.inject({ url: '/staff/insights', headers: { cookie: manager } });
  t.notMatch(managers.body, /id="boomerangs"/, "not on a manager's dashboard");
  t.match(await app.db.selectFrom('audit_event').select('details').where('action', '=', 'alumni_rehired').execute(), [
    { details: { alumniId: a.id } },
  ]);
});

const SHOTS = new URL('./e2e/screenshots/', import.meta.url).pathname;
const pdftotext = existsSync('/usr/bin/pdftotext') ? false : 'no pdftotext (apt-get install poppler-utils)';
t.test(
  '"you said, we did": actions shown next to their reasons, on the public page once published, and in the department\'s PDF',
  { skip: pdftotext },
  async (t) => {
    const { app } = await buildTestApp(t);
    await seedDemo(app, 600);
    const hr = await staffCookie(app, 'hr');
    const id = async (name: string) =>
      (await app.db.selectFrom('department').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const sales = await id('営業本部 Sales Division');
    const base = { titleJa: '', titleEn: '', descriptionJa: '', descriptionEn: '', status: 'planned', startedOn: '', doneOn: '' };

    const bad = await postForm(app, '/staff/improvements?lang=en', { ...base, reasonCodes: ['not_a_reason'], status: 'done' }, hr);
    t.equal(bad.statusCode, 400);
    t.match(bad.body, /Give a title in Japanese or English/);
    t.match(bad.body, /Not a reason in the survey/);
    t.match(bad.body, /Give the day a done action was completed/);
    t.equal((await app.db.selectFrom('improvement_action').selectAll().execute()).length, 0, 'nothing saved');

    const created = await postForm(
      app,
      '/staff/improvements',
      {
        ...base,
        titleJa: '評価制度の見直し',
        titleEn: 'New career ladder',
        descriptionJa: '昇進基準を公開しました。',
        descriptionEn: 'Promotion criteria are now public.',
        reasonCodes: ['career_growth', 'pay_benefits'],
        departmentIds: [sales],
        status: 'in_progress',
        startedOn: '2026-04-01',
      },
      hr,
    );
    t.equal(created.statusCode, 303);
    await postForm(
      app,
      '/staff/improvements',
      { ...base, titleJa: '全社のリモート勤務', reasonCodes: ['working_conditions'], status: 'planned' },
      hr,
    );
    const [salesAction] = await app.db
      .selectFrom('improvement_action')
      .select(['id', 'published', 'published_on'])
      .where('title_en', '=', 'New career ladder')
      .execute();
    t.match(salesAction, { published: false, published_on: null });

    const publicBefore = await app.inject({ url: '/alumni?lang=en' });
    t.notMatch(publicBefore.body, /New career ladder/, 'unpublished: not on the public page');
    const published = await postForm(
      app,
      `/staff/improvements/${salesAction!.id}`,
      {
        ...base,
        titleJa: '評価制度の見直し',
        titleEn: 'New career ladder',
        descriptionJa: '昇進基準を公開しました。',
        descriptionEn: 'Promotion criteria are now public.',
        reasonCodes: ['career_growth'],
        departmentIds: [sales],
        status: 'done',
        startedOn: '2026-04-01',
        doneOn: '2026-09-30',
        published: 'on',
      },
      hr,
    );
    t.equal(published.statusCode, 303);
    const publicAfter = await app.inject({ url: '/alumni?lang=en' });
    t.match(publicAfter.body, /New career ladder[\s\S]*Done 2026-09-30/, "published: on the public page, in the reader's language");
    t.match((await app.inject({ url: '/alumni?lang=ja' })).body, /評価制度の見直し/);

    const dashboard = await app.inject({ url: `/staff/insights?lang=en&department=${sales}`, headers: { cookie: hr } });
    const row = /<tr data-reason="career_growth">([\s\S]*?)<\/tr>/.exec(dashboard.body)?.[1] ?? '';
    t.match(row, /New career ladder/, 'the dashboard shows the action next to the reason it addresses');
    const engineering = await app.inject({
      url: `/staff/insights?lang=en&department=${await id('開発本部 Engineering Division')}`,
      headers: { cookie: hr },
    });
    t.notMatch(engineering.body, /New career ladder/, "not next to another division's reasons");

    const quarter = quarterOf(today());
    const pdf = await app.inject({
      url: `/reports/quarterly/${quarter}.pdf?department=${await id('第一営業部 Sales Dept. 1')}&lang=ja`,
      headers: { cookie: hr },
    });
    t.equal(pdf.statusCode, 200);
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(`${SHOTS}report-actions-ja.pdf`, pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf.rawPayload }).toString('utf8');
    t.match(text, 'いただいた声から変えたこと');
    t.match(text, /評価制度の見直し\s+\[完了\]/, "a sub-department's report lists its division's action");
    // Company-wide published actions are in it too (test/report-contents.test.ts); this one is a draft.
    t.notMatch(text, '全社のリモート勤務', 'but not an action HR has not published');
  },
);

t.test('the demo company has alumni (verified, some rehired) and actions, as the CLI seeds them', async (t) => {
  const { app } = await buildTestApp(t);
  await seedDemo(app, 400);
  const { seedDemoAlumni } = await import('../server/demo/alumni.ts');
  const seeded = await seedDemoAlumni(app);
  t.ok(seeded.alumni > 20, `${seeded.alumni} alumni`);
  t.equal(seeded.actions, 3);
  t.same(await app.db.selectFrom('alumni').select('id').where('email_verified_on', 'is', null).execute(), [], 'all verified');
  const hr = await staffCookie(app, 'hr');
  const dashboard = await app.inject({ url: '/staff/insights?lang=en', headers: { cookie: hr } });
  t.match(dashboard.body, /Published promotion criteria/, 'an action beside its reason');
  t.match(dashboard.body, /id="boomerangs"[\s\S]*<td>\d{4}<\/td><td>\d+<\/td><td>\d+<\/td>/, 'boomerangs per year');
  const directory = await app.inject({ url: '/staff/alumni?consent=newsletter', headers: { cookie: hr } });
  t.match(directory.body, /demo-personal\.example/);
});
