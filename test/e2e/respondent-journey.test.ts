import t from 'tap';
import { chromium } from 'playwright-core';
import { smtpPeer, textPart } from '../helpers/smtp-peer.ts';
import { CHROMIUM, CHROMIUM_FLAGS, listeningApp, registerThroughApi, SHOTS, skipWithoutBrowser } from './browser.ts';
import { answerFirstPage, answerLastPage, answerSecondPage } from './survey-steps.ts';

t.test('a leaver receives the invitation, answers in Japanese, stops, resumes and finishes', { skip: skipWithoutBrowser }, async (t) => {
  const peer = await smtpPeer(t);
  const { app, base } = await listeningApp(t, { SMTP_URL: peer.url, ORG_NAME: '本音商事' }, true);

  // HR's system registers the leaver through the API; the worker mails the invitation.
  const created = await registerThroughApi(app, base, {
    employeeId: 'E2E-1',
    name: '本音 花子',
    email: 'hanako@example.com',
    department: '開発部',
  });
  t.equal(created.status, 201);
  await peer.waitFor(1);
  t.same(peer.received[0]!.to, ['hanako@example.com']);
  const link = /(http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{43})/.exec(textPart(peer.received[0]!.raw))![1]!;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const outside: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) outside.push(request.url());
  });
  const consoleErrors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));

  await page.goto(link);
  await page.locator('[data-name="primary_reason"]').waitFor();
  t.equal(await page.getAttribute('html', 'lang'), 'ja');
  t.match(await page.textContent('body'), /退職を決めた一番の理由は何ですか/);
  t.match(await page.textContent('.sd-progress-buttons, .sd-progress, .sd-body'), /.+/, 'a progress indicator is shown');

  // First page: the main reason and a contributing one; the manager follow-up appears.
  await answerFirstPage(page);
  await page.locator('#save-status[data-state="saved"]').waitFor();
  await page.screenshot({ path: `${SHOTS}01-first-page-ja.png`, fullPage: true });

  // Stop and come back: the answers are restored.
  await page.reload();
  await page.locator('[data-name="primary_reason"]').waitFor();
  t.ok(await page.locator('[data-name="primary_reason"] input[value="manager"]').isChecked(), 'main reason restored');
  t.ok(await page.locator('[data-name="reasons"] input[value="pay_benefits"]').isChecked(), 'contributing reason restored');
  t.ok(await page.locator('[data-name="manager_aspects"] input[value="fairness"]').isChecked(), 'manager aspect restored');
  await page.screenshot({ path: `${SHOTS}02-restored-after-reload.png`, fullPage: true });

  // Pages two and three, then complete.
  await answerSecondPage(page);
  await answerLastPage(page);
  await page.screenshot({ path: `${SHOTS}03-last-page-ja.png`, fullPage: true });
  await page.locator('.sd-navigation__complete-btn').click();

  await page.waitForURL(/\/thanks/);
  t.match(await page.textContent('h1'), 'ご回答ありがとうございました');
  t.match(await page.textContent('.alumni'), 'アルムナイ');
  await page.screenshot({ path: `${SHOTS}04-thanks-ja.png`, fullPage: true });

  t.same(consoleErrors, [], 'no errors in the browser console while answering');

  // The same link again: already completed (the browser logs the 409 itself).
  const again = await page.goto(link);
  t.equal(again!.status(), 409);
  t.match(await page.textContent('h1'), 'ご回答ありがとうございました');
  t.match(await page.textContent('main'), '同じリンクから再度回答することはできません');
  await page.screenshot({ path: `${SHOTS}05-already-completed-ja.png`, fullPage: true });

  t.same(outside, [], 'no request left the server (no CDN, no web font)');

  await app.worker.runOnce();
  const pooled = await app.db.selectFrom('answer_pool').selectAll().execute();
  const responses = await app.db.selectFrom('response').selectAll().execute();
  t.equal(pooled.length + responses.length, 1, 'exactly one set of answers was stored (waiting for k-1 more)');
});

t.test('on a phone, in English, after switching language', { skip: skipWithoutBrowser }, async (t) => {
  const { app, base } = await listeningApp(t);
  const { registerLeaver } = await import('../../server/leavers/register-leaver.ts');
  const { invitationContext } = await import('../../server/invitations/context.ts');
  const { token } = await registerLeaver(
    app.db,
    { ...(await invitationContext(app)), survey: 'exit-interview' },
    {
      employeeId: 'E2E-2',
      name: 'Pat Doe',
      email: 'pat@example.com',
      department: 'Sales',
      hireDate: '2024-01-01',
      lastDay: '2099-01-31',
      exitType: 'contract_end',
      locale: 'ja',
    },
  );

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await page.goto(`${base}/s/${token}`);
  await page.locator('[data-name="primary_reason"]').getByText('定年・契約期間の満了', { exact: true }).click();
  await page.locator('#lang-switch').click();
  await page.waitForURL(/lang=en/);
  await page.locator('[data-name="primary_reason"]').waitFor();
  t.equal(await page.getAttribute('html', 'lang'), 'en');
  t.match(await page.textContent('body'), /What is the main reason you are leaving\?/);
  t.ok(await page.locator('[data-name="primary_reason"] input[value="contract_end"]').isChecked(), 'the answer survived the switch');
  // The page's own requests carry its language, so server messages match it after the switch.
  const autosave = page.waitForRequest((request) => request.url().includes('/draft?lang=en'));
  await page.locator('[data-name="reasons"]').getByText('Health', { exact: true }).click();
  t.ok(await autosave, 'autosave asks for English messages');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.ok(overflow <= 0, 'nothing overflows the phone screen sideways');
  await page.screenshot({ path: `${SHOTS}06-phone-en.png` });
});
