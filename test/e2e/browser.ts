import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Test } from 'tap';
import { buildApp } from '../../server/app.ts';
import { createApiToken } from '../../server/auth/api-tokens.ts';
import { createLogger } from '../../server/logging.ts';
import type { MailTransport } from '../../server/mail/transport.ts';
import { testConfig } from '../helpers/app.ts';
import { testDatabase } from '../helpers/database.ts';
import { PASSWORD } from '../helpers/staff.ts';

/** Debian's Chromium, installed by .ci/run; the flags keep it off the (closed) network. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SHOTS = new URL('./screenshots/', import.meta.url).pathname;

/** On a machine with Node.js alone, browser tests say why they did not run. */
export const skipWithoutBrowser = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`;

/** A port to give the app before it starts, so PUBLIC_URL can name it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real app on a fresh database, listening on 127.0.0.1, closed when the test ends. */
export async function listeningApp(
  t: Test,
  env: Record<string, string> = {},
  worker = false,
  mailTransport?: MailTransport,
): Promise<{ app: FastifyInstance; base: string }> {
  mkdirSync(SHOTS, { recursive: true });
  const database = await testDatabase(t);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await buildApp(testConfig(t, { PUBLIC_URL: base, ...env }), {
    db: database.db,
    logger: createLogger('warn'),
    worker,
    ...(mailTransport ? { mailTransport } : {}),
  });
  await app.listen({ port, host: '127.0.0.1' });
  t.teardown(() => app.close());
  return { app, base };
}

/** Signs a staff member made with the test helpers in, through the sign-in page. */
export async function signIn(page: Page, base: string, email: string) {
  await page.goto(`${base}/staff/sign-in`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/staff`);
}

/** Debian's Chromium for this test, closed when the test ends. */
export async function launchBrowser(t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  t.teardown(() => browser.close());
  return browser;
}

/** A page in a fresh context (its own cookies); script errors are collected in `errors`. */
export async function openPage(browser: Browser, locale: string, viewport = { width: 1280, height: 900 }) {
  const page = await (await browser.newContext({ locale, viewport })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** Registers a leaver as HR's system would, through the API with a fresh token. */
export async function registerThroughApi(app: FastifyInstance, base: string, leaver: Record<string, string>) {
  const { token } = await createApiToken(app.db, 'hris');
  return fetch(`${base}/api/v1/leavers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ hireDate: '2018-04-01', lastDay: '2099-12-31', exitType: 'voluntary', locale: 'ja', ...leaver }),
  });
}
