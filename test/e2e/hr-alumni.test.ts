import t from 'tap';
import { seedDemo } from '../../server/demo/seed.ts';
import { joinedMember } from '../helpers/alumni.ts';
import { staffUser } from '../helpers/staff.ts';
import { memoryTransport } from '../helpers/app.ts';
import { launchBrowser, listeningApp, openPage, SHOTS, signIn, skipWithoutBrowser } from './browser.ts';

t.test(
  'HR records an improvement, sees it next to its reason, finds alumni open to returning and sends a newsletter',
  { skip: skipWithoutBrowser },
  async (t) => {
    const mail = memoryTransport();
    const { app, base } = await listeningApp(t, {}, false, mail);
    await seedDemo(app, 600);
    await staffUser(app, 'hr', 'jinji@example.co.jp');
    const open = await joinedMember(app, mail.sent, { company: '株式会社つぎ' }, ['newsletter', 'rehire']);
    await joinedMember(app, mail.sent, { locale: 'en' }, ['newsletter']);
    await joinedMember(app, mail.sent, {}, ['events']);

    const browser = await launchBrowser(t);
    const { page, errors } = await openPage(browser, 'ja-JP');
    await signIn(page, base, 'jinji@example.co.jp');

    await page.click('nav >> text=改善施策');
    await page.click('text=施策を追加');
    await page.fill('input[name=titleJa]', '1on1 ミーティングの導入');
    await page.fill('input[name=titleEn]', 'Regular one-on-ones');
    await page.fill('textarea[name=descriptionJa]', 'すべてのチームで隔週の 1on1 を始めました。');
    await page.fill('textarea[name=descriptionEn]', 'Every team now holds one-on-ones every two weeks.');
    await page.check('input[name=reasonCodes][value=manager]');
    await page.check('input[name=reasonCodes][value=career_growth]');
    await page.selectOption('select[name=status]', 'done');
    await page.fill('input[name=doneOn]', '2026-10-01');
    await page.check('input[name=published]');
    await page.screenshot({ path: `${SHOTS}40-improvement-form.png`, fullPage: true });
    await page.click('#improvement-form button[type=submit]');
    await page.locator('#improvements').waitFor();
    t.match(await page.textContent('#improvements'), '1on1 ミーティングの導入');

    await page.click('nav >> text=分析');
    await page.locator('#reasons-table').waitFor();
    t.match(
      await page.textContent('#reasons-table tr[data-reason="manager"]'),
      '1on1 ミーティングの導入',
      'the dashboard shows the action next to its reason',
    );
    t.ok(await page.locator('#boomerangs').isVisible(), 'boomerangs per year');
    await page.locator('#reasons-table').screenshot({ path: `${SHOTS}41-dashboard-reasons-actions.png` });

    await page.click('nav >> text=アルムナイ');
    await page.selectOption('select[name=consent]', 'rehire');
    await page.click('#alumni-filters button[type=submit]');
    t.match(await page.textContent('#alumni-count'), '1 人');
    t.match(await page.textContent('#alumni-table'), open.email);
    await page.screenshot({ path: `${SHOTS}42-alumni-directory.png`, fullPage: true });

    await page.click('nav >> text=ニュースレター');
    await page.click('text=新しい号を作成');
    await page.fill('input[name=subjectJa]', 'アルムナイ通信 秋号');
    await page.fill('input[name=subjectEn]', 'Alumni news, autumn');
    await page.fill('textarea[name=bodyJa]', 'ご無沙汰しています。\n\n今季の取り組みをお知らせします。');
    await page.fill('textarea[name=bodyEn]', 'Hello again.\n\nHere is what changed this season.');
    await page.check('input[name=actionIds]');
    await page.selectOption('select[name=reasonsPeriod]', String(new Date().getUTCFullYear()));
    await page.click('#newsletter-form button[type=submit]');
    await page.locator('#send-newsletter').waitFor();
    t.match(await page.textContent('#send-newsletter'), '2 人に送信する');
    const previews = page.frames().filter((frame) => frame !== page.mainFrame());
    t.equal(previews.length, 2, 'a preview per language');
    t.match(
      await previews[1]!.textContent('body'),
      /Regular one-on-ones[\s\S]*Top reasons for leaving/,
      'the English issue, with the action and the top reasons',
    );
    await page.locator('iframe.mail-html').nth(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}43-newsletter-preview.png`, fullPage: true });
    await page.click('#send-newsletter');
    await page.locator('#sent').waitFor();
    t.match(await page.textContent('#sent'), '2 人へ送信済み');
    t.same(errors, [], 'no script errors');
    await app.worker.runOnce();
    t.equal(mail.sent.filter((m) => m.headers?.['List-Unsubscribe']).length, 2, 'two newsletters left, each with List-Unsubscribe');
  },
);
