import iconv from 'iconv-lite';
import t from 'tap';
import { chromium } from 'playwright-core';
import { staffUser } from '../helpers/staff.ts';
import { smtpPeer, textPart } from '../helpers/smtp-peer.ts';
import { CHROMIUM, CHROMIUM_FLAGS, listeningApp, SHOTS, signIn, skipWithoutBrowser } from './browser.ts';

const CSV = [
  '社員番号,氏名,メール,部署,入社日,退職日,退職区分,言語',
  'K-001,髙橋 一郎,ichiro@example.co.jp,営業部,2016/04/01,2099/03/31,自己都合,ja',
  'K-002,Emma Brown,emma@example.com,開発部,2021/10/01,2099/04/30,契約期間満了,en',
].join('\r\n');

t.test(
  'HR imports a Shift_JIS CSV, invitations reach the SMTP server; a manager cannot see leavers',
  { skip: skipWithoutBrowser },
  async (t) => {
    const peer = await smtpPeer(t);
    const { app, base } = await listeningApp(t, { SMTP_URL: peer.url }, true);
    await staffUser(app, 'hr', 'jinji@example.co.jp');
    await staffUser(app, 'manager', 'bucho@example.co.jp');
    await staffUser(app, 'admin', 'kanri@example.co.jp');

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    t.teardown(() => browser.close());
    const page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(page, base, 'jinji@example.co.jp');
    await page.click('nav >> text=退職者');
    await page.click('text=退職者の CSV 取り込み');
    await page.setInputFiles('input[type=file]', { name: '退職者一覧.csv', mimeType: 'text/csv', buffer: iconv.encode(CSV, 'Shift_JIS') });
    await page.screenshot({ path: `${SHOTS}20-import-upload-ja.png` });
    await page.click('button:has-text("プレビュー")');
    await page.locator('#import-counts').waitFor();
    t.match(await page.textContent('#import-counts'), '新規登録: 2 件');
    t.match(await page.textContent('main'), '髙橋 一郎', 'Shift_JIS read correctly');
    t.match(await page.textContent('main'), 'shift_jis');
    await page.screenshot({ path: `${SHOTS}21-import-preview-ja.png`, fullPage: true });
    await page.click('button:has-text("2 件を取り込む")');
    await page.locator('#import-done').waitFor();
    t.match(await page.textContent('#import-done'), '新規 2 件(招待 2 件');
    await page.screenshot({ path: `${SHOTS}22-import-done-ja.png` });

    await peer.waitFor(2);
    const mails = peer.received.map((m) => ({ to: m.to[0], text: textPart(m.raw) }));
    t.match(mails.find((m) => m.to === 'ichiro@example.co.jp')!.text, '髙橋 一郎 様');
    t.match(mails.find((m) => m.to === 'emma@example.com')!.text, 'Dear Emma Brown');

    await page.click('nav >> text=退職者');
    await page.reload();
    t.match(await page.textContent('tbody'), '髙橋 一郎');
    t.equal(await page.locator('tr[data-status="sent"]').count(), 2, 'both shown as sent');
    await page.screenshot({ path: `${SHOTS}23-leavers-after-import-ja.png` });
    await page.click('tbody >> text=髙橋 一郎');
    await page.locator('#invitation').waitFor();
    await page.screenshot({ path: `${SHOTS}24-leaver-invitation-ja.png`, fullPage: true });

    // The same file again: nothing new.
    await page.goto(`${base}/staff/leavers/import`);
    await page.setInputFiles('input[type=file]', { name: '退職者一覧.csv', mimeType: 'text/csv', buffer: iconv.encode(CSV, 'Shift_JIS') });
    await page.click('button:has-text("プレビュー")');
    t.match(await page.textContent('#import-counts'), '変更なし: 2 件');

    const managerPage = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1100, height: 700 } })).newPage();
    await signIn(managerPage, base, 'bucho@example.co.jp');
    t.equal(await managerPage.locator('nav >> text=退職者').count(), 0, 'no leavers link for a manager');
    const denied = await managerPage.goto(`${base}/staff/leavers`);
    t.equal(denied!.status(), 403);
    t.notMatch(await managerPage.textContent('body'), '髙橋');
    await managerPage.screenshot({ path: `${SHOTS}25-manager-denied-ja.png` });

    const adminPage = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(adminPage, base, 'kanri@example.co.jp');
    await adminPage.click('nav >> text=Settings');
    await adminPage.screenshot({ path: `${SHOTS}26-settings-en.png`, fullPage: true });
    await adminPage.click('nav >> text=Departments');
    await adminPage.fill('form.row input[name=name]', '第一営業課');
    await adminPage.selectOption('form.row select[name=parentId]', { label: '営業部' });
    await adminPage.click('form.row button');
    await adminPage.waitForURL(/saved=1/);
    t.equal(await adminPage.locator('#departments tr[data-depth="1"]').count(), 1);
    await adminPage.screenshot({ path: `${SHOTS}27-departments-en.png`, fullPage: true });
    await adminPage.click('nav >> text=Users');
    await adminPage.fill('#add-user input[name=email]', 'kacho@example.co.jp');
    await adminPage.selectOption('#add-user select[name=role]', 'manager');
    await adminPage.check('#add-user input[name=departments] >> nth=1');
    await adminPage.click('#add-user button');
    await adminPage.waitForURL(/saved=1/);
    t.equal(await adminPage.locator('tr[data-email="kacho@example.co.jp"]').count(), 1);
    await adminPage.screenshot({ path: `${SHOTS}29-users-en.png`, fullPage: true });
    await adminPage.goto(`${base}/docs`);
    await adminPage.getByText('/api/v1/leavers/import').first().waitFor();
    await adminPage.screenshot({ path: `${SHOTS}28-api-docs.png` });
  },
);
