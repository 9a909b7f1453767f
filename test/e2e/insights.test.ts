import t from 'tap';
import { seedDemo } from '../../server/demo/seed.ts';
import { staffUser } from '../helpers/staff.ts';
import { launchBrowser, listeningApp, openPage, SHOTS, signIn, skipWithoutBrowser } from './browser.ts';

t.test("HR sees the demo company's charts; a manager sees only their departments", { skip: skipWithoutBrowser }, async (t) => {
  const { app, base } = await listeningApp(t);
  await seedDemo(app, 800);
  await staffUser(app, 'hr', 'jinji@example.co.jp');
  const manager = await staffUser(app, 'manager', 'eigyo@example.co.jp');
  const sales = await app.db.selectFrom('department').select('id').where('name', '=', '営業本部 Sales Division').executeTakeFirstOrThrow();
  await app.db.insertInto('staff_department').values({ user_id: manager.id, department_id: sales.id }).execute();

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, 'ja-JP');
  await signIn(page, base, 'jinji@example.co.jp');
  await page.click('nav >> text=分析');
  await page.locator('#kpis').waitFor();
  t.match(await page.textContent('#kpis'), '回答数');
  for (const id of ['reasons', 'enps', 'trend', 'department', 'tenure', 'exitType', 'regrettable']) {
    const box = await page.locator(`#chart-${id}`).boundingBox();
    t.ok(box && box.width > 200 && box.height > 100, `chart ${id} is drawn`);
  }
  t.same(errors, [], 'no script errors');
  t.match(await page.textContent('#table-department'), '非表示', 'the tiny units are suppressed, not shown as numbers');
  await page.screenshot({ path: `${SHOTS}30-insights-hr-ja.png`, fullPage: true });

  await page.selectOption('select[name=regrettable]', 'yes');
  await page.click('#insight-filters button[type=submit]');
  await page.locator('#no-tenure').waitFor();
  t.match(await page.textContent('#kpis'), '回答数', 'regrettable leavers alone are enough to show');
  t.equal(await page.locator('#chart-tenure').count(), 0, 'no tenure chart while filtered by regrettable loss');
  await page.screenshot({ path: `${SHOTS}33-insights-regrettable-ja.png`, fullPage: true });

  await page.goto(`${base}/staff/insights/comments?lang=en`);
  t.ok((await page.locator('#comments li').count()) > 0, 'comments for the whole organisation');
  await page.screenshot({ path: `${SHOTS}31-comments-en.png` });

  const managerPage = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(managerPage, base, 'eigyo@example.co.jp');
  await managerPage.click('nav >> text=Insights');
  await managerPage.locator('#insight-filters').waitFor();
  const options = await managerPage.locator('select[name=department] option').allTextContents();
  t.ok(options.length >= 3 && options.every((o) => /Sales/.test(o)), `only the sales subtree is offered: ${options.join(', ')}`);
  t.notMatch(await managerPage.textContent('main'), 'Engineering');
  const other = await app.db
    .selectFrom('department')
    .select('id')
    .where('name', '=', '開発本部 Engineering Division')
    .executeTakeFirstOrThrow();
  const denied = await managerPage.goto(`${base}/staff/insights?department=${other.id}`);
  t.equal(denied!.status(), 403);
  await managerPage.goto(`${base}/staff/insights`);
  await managerPage.screenshot({ path: `${SHOTS}32-insights-manager-en.png`, fullPage: true });
});
