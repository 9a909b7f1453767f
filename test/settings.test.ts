import t from 'tap';
import { loadSettings } from '../server/settings/settings.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver } from './helpers/fixtures.ts';
import { postForm, staffCookie } from './helpers/staff.ts';

const DEFAULTS = {
  senderName: '',
  inviteTiming: 'on_create',
  inviteDaysBefore: '7',
  reminderDays: '3, 7',
  expiryDays: '30',
  retentionDays: '180',
};

t.test('admins change the settings; bad values come back with a message per field; changes are audited', async (t) => {
  const { app } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  const page = await app.inject({ url: '/staff/settings?lang=en', headers: { cookie: admin } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /value="3, 7"/);

  const bad = await postForm(
    app,
    '/staff/settings?lang=en',
    { ...DEFAULTS, reminderDays: '7, 3', expiryDays: 'soon', invitation_en_subject: 'Hi', invitation_en_body: 'no link here' },
    admin,
  );
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /smallest first/);
  t.match(bad.body, /Give a number of days/);
  t.match(bad.body, /The body must contain \{link\}/);
  t.same((await loadSettings(app.db)).reminderDays, [3, 7], 'nothing saved');

  const ok = await postForm(
    app,
    '/staff/settings',
    {
      ...DEFAULTS,
      senderName: '株式会社サンプル',
      inviteTiming: 'before',
      inviteDaysBefore: '5',
      reminderDays: '4',
      expiryDays: '14',
      retentionDays: '90',
      invitation_ja_subject: '{company} 退職アンケート',
      invitation_ja_body: '{name} さん\n\nこちらからどうぞ: {link}\n\n期限: {expiresOn}',
    },
    admin,
  );
  t.equal(ok.statusCode, 303);
  t.same(await loadSettings(app.db), {
    senderName: '株式会社サンプル',
    inviteDaysBefore: 5,
    reminderDays: [4],
    expiryDays: 14,
    retentionDays: 90,
    mailTemplates: {
      invitation: { ja: { subject: '{company} 退職アンケート', body: '{name} さん\n\nこちらからどうぞ: {link}\n\n期限: {expiresOn}' } },
    },
    quarterlyReports: false,
  });
  const audit = await app.db.selectFrom('audit_event').select(['action', 'details']).where('action', '=', 'settings_changed').execute();
  t.match(audit, [
    { details: { fields: ['senderName', 'inviteDaysBefore', 'reminderDays', 'expiryDays', 'retentionDays', 'mailTemplates'] } },
  ]);
  t.notMatch(JSON.stringify(audit), /こちらから/, 'the audit names fields, not their text');
});

t.test("the organisation's template and sender name are what leavers receive", async (t) => {
  const { app, mail } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  await postForm(
    app,
    '/staff/settings',
    {
      ...DEFAULTS,
      senderName: 'ACME <script>',
      expiryDays: '14',
      invitation_ja_subject: '{company} からのお願い',
      invitation_ja_body: '{name} 様\n\n回答はこちら: {link}\n期限は {expiresOn} です。',
    },
    admin,
  );
  const leaver = await invitedLeaver(app, { name: '佐藤 花子', lastDay: '2099-03-31' });
  const english = await invitedLeaver(app, { employeeId: 'EN', locale: 'en' });
  await app.worker.runOnce();
  const ja = mail.sent.find((m) => m.subject.includes('からのお願い'))!;
  t.equal(ja.subject, 'ACME <script> からのお願い');
  const offerAt = ja.text.lastIndexOf('\n\n');
  const [body, offer] = [ja.text.slice(0, offerAt), ja.text.slice(offerAt + 2)];
  t.equal(
    body,
    `佐藤 花子 様\n\n回答はこちら: http://honne.test/s/${leaver.token}\n期限は 2099-04-14 です。`,
    'expiry follows the settings (14 days)',
  );
  t.match(
    offer,
    /^アンケートとは別に.*\nhttp:\/\/honne\.test\/alumni\/join\/[\w-]+$/,
    "the alumni offer follows a custom template too, with the leaver's own join link",
  );
  t.match(ja.html, /<a href="http:\/\/honne\.test\/alumni\/join\/[\w-]+">/, 'linked in the HTML part');
  t.match(ja.html, `<a href="http://honne.test/s/${leaver.token}">`, 'the HTML part links the survey');
  t.notMatch(ja.html, /<script>/, 'and escapes what the template says');
  t.equal(ja.fromName, 'ACME <script>');
  const en = mail.sent.find((m) => m.text.includes(english.token))!;
  t.match(en.subject, /ACME <script>: your exit interview/, 'no English template: the standard text, with the sender name');
});

t.test('preview renders the unsaved template with example data', async (t) => {
  const { app } = await buildTestApp(t);
  const admin = await staffCookie(app, 'admin');
  const res = await postForm(
    app,
    '/staff/settings/preview?lang=en',
    { ...DEFAULTS, preview: 'reminder_en', reminder_en_subject: 'Still time, {name}', reminder_en_body: 'Please: {link}' },
    admin,
  );
  t.equal(res.statusCode, 200);
  t.match(res.body, /Still time, Alex Smith/);
  t.match(res.body, /Please: http:\/\/honne.test\/s\/EXAMPLE-LINK/);
  const standard = await postForm(app, '/staff/settings/preview', { ...DEFAULTS, preview: 'reminder_ja' }, admin);
  t.match(standard.body, '退職者アンケートのご案内(再送)', 'no template: the standard reminder');
  t.equal(
    await app.db.selectFrom('audit_event').select('id').where('action', '=', 'settings_changed').executeTakeFirst(),
    undefined,
    'a preview saves nothing',
  );
});
