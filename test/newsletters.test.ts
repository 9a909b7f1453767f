import t from 'tap';
import { seedDemo } from '../server/demo/seed.ts';
import { joinedMember } from './helpers/alumni.ts';
import { buildTestApp } from './helpers/app.ts';
import { postForm, staffCookie } from './helpers/staff.ts';

t.test(
  'a newsletter: composed in two languages with published actions and k-safe top reasons, sent once to consenting members with one-click unsubscribe',
  async (t) => {
    const { app, mail } = await buildTestApp(t);
    await seedDemo(app, 600);
    const hr = await staffCookie(app, 'hr');
    const ja = await joinedMember(app, mail.sent, {}, ['newsletter']);
    const en = await joinedMember(app, mail.sent, { locale: 'en' }, ['newsletter', 'events']);
    const noConsent = await joinedMember(app, mail.sent, {}, ['events']);
    await app.worker.runOnce();
    const before = mail.sent.length;

    const base = { titleJa: '', titleEn: '', descriptionJa: '', descriptionEn: '', status: 'done', startedOn: '', doneOn: '2026-10-01' };
    await postForm(
      app,
      '/staff/improvements',
      {
        ...base,
        titleJa: '1on1 の導入',
        titleEn: 'Regular one-on-ones',
        descriptionJa: '毎週の 1on1 を始めました。',
        descriptionEn: 'Weekly one-on-ones for everyone.',
        reasonCodes: ['manager'],
        published: 'on',
      },
      hr,
    );
    await postForm(app, '/staff/improvements', { ...base, titleJa: '社内だけの施策', titleEn: 'Internal only' }, hr);
    const actions = await app.db.selectFrom('improvement_action').select(['id', 'title_en']).execute();
    const year = String(new Date().getUTCFullYear());

    const created = await postForm(
      app,
      '/staff/newsletters',
      {
        subjectJa: 'アルムナイ通信 秋号',
        subjectEn: 'Alumni news, autumn',
        bodyJa: 'お元気ですか。\n\n近況をお届けします。',
        bodyEn: 'How are you?\n\nHere is our news.',
        actionIds: actions.map((a) => a.id),
        reasonsPeriod: year,
      },
      hr,
    );
    t.equal(created.statusCode, 303);
    const preview = await app.inject({ url: created.headers.location as string, headers: { cookie: hr } });
    t.equal(preview.statusCode, 200);
    t.match(preview.body, /Send to 2|2 人に送信/, 'the audience is the consenting, verified members');
    t.match(preview.body, /Regular one-on-ones/);
    t.notMatch(preview.body, /Internal only/, 'an unpublished action never goes out, even if chosen');

    const id = (created.headers.location as string).split('/')[3]!;
    const sent = await postForm(app, `/staff/newsletters/${id}/send`, {}, hr);
    t.equal(sent.statusCode, 303);
    const again = await postForm(app, `/staff/newsletters/${id}/send`, {}, hr);
    t.equal(again.statusCode, 409, 'an issue goes out once');
    const edit = await postForm(
      app,
      `/staff/newsletters/${id}`,
      { subjectJa: 'x', subjectEn: 'x', bodyJa: '', bodyEn: '', reasonsPeriod: '' },
      hr,
    );
    t.equal(edit.statusCode, 409, 'and is not edited after');
    await app.worker.runOnce();
    const issues = mail.sent.slice(before);
    t.same(issues.map((m) => m.to).sort(), [ja.email, en.email].sort(), 'no mail to a member without the consent');
    t.notOk(issues.some((m) => m.to === noConsent.email));

    const english = issues.find((m) => m.to === en.email)!;
    const japanese = issues.find((m) => m.to === ja.email)!;
    t.equal(english.subject, 'Alumni news, autumn');
    t.equal(japanese.subject, 'アルムナイ通信 秋号');
    t.match(english.text, /How are you\?[\s\S]*You said, we did[\s\S]*Regular one-on-ones[\s\S]*Weekly one-on-ones/);
    t.match(japanese.text, /いただいた声から変えたこと[\s\S]*1on1 の導入/);
    const unsubscribe = english.headers!['List-Unsubscribe']!;
    t.match(unsubscribe, /^<http:\/\/honne\.test\/alumni\/unsubscribe\/[\w-]+>$/);
    t.equal(english.headers!['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    t.match(english.text, unsubscribe.slice(1, -1), 'the same link is in the text for people');
    t.not(unsubscribe, japanese.headers!['List-Unsubscribe'], 'each member has their own link');

    // Top reasons: the company's shown total, and only reasons at least k people gave.
    const summary = await app.insights.summarize({ from: `${year}-Q1`, to: `${year}-Q4` }, { all: true });
    const total = summary.total!;
    if (total.suppressed) throw new Error('the demo year should be large enough');
    const k = app.config.anonymityK;
    const listed = [...english.text.matchAll(/^\d+\. (.+) — (\d+)%$/gm)].map((m) => ({ label: m[1]!, share: Number(m[2]) }));
    t.ok(listed.length > 0 && listed.length <= 5, `top reasons listed (${listed.length})`);
    const eligible = total.primaryReasons.filter((r) => r.count >= k);
    t.equal(listed.length, Math.min(5, eligible.length), 'only reasons with at least k people');
    t.equal(listed[0]!.share, Math.round(eligible[0]!.share * 100));
    t.notMatch(english.text, /\b\d+ (people|responses)\b/, 'shares, not counts');

    const oneClick = await app.inject({
      method: 'POST',
      url: unsubscribe.slice(1, -1).replace('http://honne.test', ''),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    t.equal(oneClick.statusCode, 200);
    const consents = await app.db.selectFrom('alumni_consent').select('purpose').where('alumni_id', '=', en.id).execute();
    t.same(
      consents.map((c) => c.purpose),
      ['events'],
      'unsubscribed at once, the other consent kept',
    );
    const list = await app.inject({ url: '/staff/newsletters?lang=en', headers: { cookie: hr } });
    t.match(list.body, /Sent \d{4}-\d{2}-\d{2} to 2/);
    t.match(list.body, /\(1 now\)/, 'the audience shrinks with the unsubscribe');
    t.match(await app.db.selectFrom('audit_event').select('details').where('action', '=', 'newsletter_sent').execute(), [
      { details: { recipients: 2 } },
    ]);
  },
);

t.test('no top reasons when the period is too small to show', async (t) => {
  const { app, mail } = await buildTestApp(t);
  const hr = await staffCookie(app, 'hr');
  await joinedMember(app, mail.sent, { locale: 'en' });
  const created = await postForm(
    app,
    '/staff/newsletters',
    { subjectJa: '号', subjectEn: 'Issue', bodyJa: '本文', bodyEn: 'Text', reasonsPeriod: '2020' },
    hr,
  );
  const preview = await app.inject({ url: created.headers.location as string, headers: { cookie: hr } });
  t.notMatch(preview.body, /Top reasons for leaving/, 'nothing released for 2020: the section is left out');
});
