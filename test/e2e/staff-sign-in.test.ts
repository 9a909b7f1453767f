import t from 'tap';
import { chromium } from 'playwright-core';
import { firstRunSetupUrl } from '../../server/staff/first-run.ts';
import { CHROMIUM, CHROMIUM_FLAGS, listeningApp, SHOTS, skipWithoutBrowser } from './browser.ts';

t.test('first run: the setup link creates an admin, who signs in and creates an API token', { skip: skipWithoutBrowser }, async (t) => {
  const { app, base } = await listeningApp(t);
  const setupUrl = (await firstRunSetupUrl(app))!;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1024, height: 700 } })).newPage();

  await page.goto(setupUrl);
  t.match(await page.textContent('h1'), '最初の管理者を作成');
  await page.fill('input[name=email]', 'admin@example.co.jp');
  await page.fill('input[name=password]', 'とても長いパスワード123');
  await page.screenshot({ path: `${SHOTS}10-setup-ja.png` });
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/staff`);
  t.match(await page.textContent('main'), 'admin@example.co.jp としてサインインしています(権限: 管理者)');

  await page.click('text=サインアウト >> nth=0');
  await page.waitForURL(/\/staff\/sign-in/);
  await page.fill('input[name=email]', 'admin@example.co.jp');
  await page.fill('input[name=password]', 'まちがったパスワード');
  await page.click('button[type=submit]');
  t.match(await page.textContent('.alert'), 'メールアドレスまたはパスワードが正しくありません');
  await page.screenshot({ path: `${SHOTS}11-sign-in-failed-ja.png` });
  await page.fill('input[name=password]', 'とても長いパスワード123');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/staff`);

  await page.click('nav >> text=API トークン');
  await page.fill('input[name=name]', 'SmartHR 連携');
  await page.click('text=トークンを作成');
  const token = await page.textContent('#new-token');
  t.match(token, /^honne_[A-Za-z0-9_-]{43}$/);
  await page.screenshot({ path: `${SHOTS}12-token-created-ja.png` });
  const api = await fetch(`${base}/api/v1/leavers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      employeeId: 'W-1',
      name: '試験 太郎',
      email: 'w1@example.com',
      department: '総務部',
      hireDate: '2020-04-01',
      lastDay: '2099-03-31',
      exitType: 'voluntary',
      locale: 'ja',
    }),
  });
  t.equal(api.status, 201, 'the token made in the browser works on the API');

  await page.click('nav >> text=退職者');
  await page.locator('tr[data-status]').first().waitFor();
  t.match(await page.textContent('tbody'), '試験 太郎');
  t.match(await page.textContent('tbody'), '送信待ち');
  await page.screenshot({ path: `${SHOTS}13-leavers-ja.png` });
  await page.click('tbody >> text=試験 太郎');
  await page.selectOption('select[name=rehireEligibility]', 'eligible');
  await page.fill('input[name=email]', 'not an address');
  await page.click('text=保存');
  t.match(await page.textContent('.field-error'), '有効なメールアドレスを入力してください');
  await page.fill('input[name=email]', 'w1@example.com');
  await page.click('text=保存');
  await page.waitForURL(/saved=1/);
  t.match(await page.textContent('.alert.success'), '保存しました');
  await page.screenshot({ path: `${SHOTS}15-leaver-form-ja.png`, fullPage: true });

  await page.click('nav >> text=監査ログ');
  t.match(await page.textContent('tbody'), 'API トークン作成');
  t.match(await page.textContent('tbody'), 'サインイン失敗');
  await page.click('#lang-switch');
  await page.waitForURL(/lang=en/);
  t.match(await page.textContent('tbody'), 'API token created');
  await page.screenshot({ path: `${SHOTS}14-audit-en.png` });
});
