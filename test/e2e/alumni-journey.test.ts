import t from 'tap';
import { smtpPeer, textPart } from '../helpers/smtp-peer.ts';
import { launchBrowser, listeningApp, openPage, registerThroughApi, SHOTS, skipWithoutBrowser } from './browser.ts';
import { answerFirstPage, answerLastPage, answerSecondPage } from './survey-steps.ts';

const PERSONAL = 'hanako.home@personal.test';

t.test(
  'a leaver finishes the survey, joins the alumni network, verifies, signs in by magic link, changes a consent and erases the account',
  { skip: skipWithoutBrowser },
  async (t) => {
    const peer = await smtpPeer(t);
    const { app, base } = await listeningApp(t, { SMTP_URL: peer.url, ORG_NAME: '本音商事' }, true);
    const created = await registerThroughApi(app, base, {
      employeeId: 'E2E-A',
      name: '本音 花子',
      email: 'hanako@honne-shoji.example',
      department: '開発部',
    });
    t.equal(created.status, 201);
    await peer.waitFor(1);
    const invitation = textPart(peer.received[0]!.raw);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/s\/[\w-]{43})/.exec(invitation)![1]!;
    t.match(invitation, /アルムナイネットワークに参加できます[\s\S]*\/alumni\/join\//, 'the invitation offers the alumni network too');

    const { page } = await openPage(await launchBrowser(t), 'ja-JP', { width: 1024, height: 900 });
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));

    // The survey, to the end.
    await page.goto(link);
    await answerFirstPage(page);
    await answerSecondPage(page);
    await answerLastPage(page);
    await page.locator('.sd-navigation__complete-btn').click();
    await page.waitForURL(/\/thanks/);
    await page.screenshot({ path: `${SHOTS}alumni-00-thanks.png`, fullPage: true });

    // Joining: a separate action, from the thank-you page.
    await page.click('#alumni-join');
    await page.waitForURL(/\/alumni\/join\//);
    t.match(await page.textContent('main'), 'アンケートの回答とは結び付けられず');
    t.equal(await page.inputValue('input[name=name]'), '本音 花子', 'the name is filled in');
    await page.fill('input[name=email]', 'hanako@honne-shoji.example');
    await page.click('#join-form button[type=submit]');
    t.match(await page.textContent('.field-error'), '会社のメールアドレスは登録できません', 'the work address is refused');
    await page.fill('input[name=email]', PERSONAL);
    await page.fill('input[name=company]', '株式会社つぎ');
    await page.selectOption('select[name=locale]', 'en');
    await page.check('input[name=consents][value=newsletter]');
    await page.check('input[name=consents][value=rehire]');
    await page.screenshot({ path: `${SHOTS}alumni-01-join.png`, fullPage: true });
    await page.click('#join-form button[type=submit]');
    t.match(await page.textContent('main'), `We sent a confirmation email to ${PERSONAL}`, 'the page follows the language chosen');
    await page.screenshot({ path: `${SHOTS}alumni-02-check-mail.png`, fullPage: true });

    // Verify through the mail the SMTP peer received.
    await peer.waitFor(2);
    const verifyMail = peer.received.at(-1)!;
    t.same(verifyMail.to, [PERSONAL]);
    const verifyLink = /(http:\/\/127\.0\.0\.1:\d+\/alumni\/link\/[\w-]+\?lang=en)/.exec(textPart(verifyMail.raw))![1]!;
    await page.goto(verifyLink);
    await page.screenshot({ path: `${SHOTS}alumni-03-confirm.png`, fullPage: true });
    await page.click('#confirm-link');
    await page.waitForURL(`${base}/alumni/me`);
    t.match(await page.textContent('h1'), 'Alumni portal');
    await page.screenshot({ path: `${SHOTS}alumni-04-portal.png`, fullPage: true });

    // Sign out, then in again by magic link.
    await page.click('form[action="/alumni/sign-out"] button');
    await page.goto(`${base}/alumni/sign-in?lang=en`);
    await page.fill('input[name=email]', PERSONAL);
    await page.click('main button[type=submit]');
    t.match(await page.textContent('main'), 'If that address is registered');
    await peer.waitFor(3);
    const signInLink = /(http:\/\/127\.0\.0\.1:\d+\/alumni\/link\/[\w-]+\?lang=en)/.exec(textPart(peer.received.at(-1)!.raw))![1]!;
    await page.goto(signInLink);
    await page.click('#confirm-link');
    await page.waitForURL(`${base}/alumni/me`);

    // Change a consent.
    await page.uncheck('#consent-form input[name=consents][value=newsletter]');
    await page.check('#consent-form input[name=consents][value=events]');
    await page.click('#consent-form button[type=submit]');
    await page.locator('#saved').waitFor();
    t.match(await page.textContent('#saved'), 'Your choices are saved');
    t.ok(await page.isChecked('#consent-form input[value=events]'));
    t.notOk(await page.isChecked('#consent-form input[value=newsletter]'));
    const consents = await app.db.selectFrom('alumni_consent').select('purpose').orderBy('purpose').execute();
    t.same(
      consents.map((c) => c.purpose),
      ['events', 'rehire'],
    );
    await page.screenshot({ path: `${SHOTS}alumni-05-consent-changed.png`, fullPage: true });

    // Erase.
    await page.check('#erase-form input[name=confirm]');
    await page.click('#erase-form button[type=submit]');
    t.match(await page.textContent('h1'), 'Erased');
    await page.screenshot({ path: `${SHOTS}alumni-06-erased.png`, fullPage: true });
    t.equal((await app.db.selectFrom('alumni').selectAll().execute()).length, 0, 'the row is gone');
    await page.goto(`${base}/alumni/me`);
    await page.waitForURL(/\/alumni\/sign-in/);
    // The refused work address was a 400 page, which the browser reports itself.
    t.same(
      consoleErrors.filter((e) => !/status of 400/.test(e)),
      [],
      'no other errors in the browser console',
    );
  },
);
