import t from 'tap';
import { type ConfigError, loadConfig } from '../server/config/config.ts';
import { buildTestApp } from './helpers/app.ts';
import { csrf } from './helpers/staff.ts';

const SECRET = 's'.repeat(40);

t.test('TRUST_PROXY: unset trusts no proxy; addresses, ranges and their names are kept', async (t) => {
  const load = (value?: string) =>
    loadConfig({ DATA_DIR: t.testdir(), SECRET, ...(value === undefined ? {} : { TRUST_PROXY: value }) }).trustProxy;
  t.equal(load(), false);
  t.equal(load(' '), false);
  t.same(load('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback,uniquelocal'), [
    '127.0.0.1',
    '10.0.0.0/8',
    '::1',
    'fd00::/8',
    'loopback',
    'uniquelocal',
  ]);
  for (const bad of ['true', '2', '10.0.0.0/33', '::1/129', 'proxy.example', '127.0.0.1,', '10.0.0.0/8/1']) {
    const error = t.throws(() => load(bad)) as ConfigError;
    t.equal(error.variable, 'TRUST_PROXY', `${bad} is refused`);
  }
});

const signIn = (
  app: Awaited<ReturnType<typeof buildTestApp>>['app'],
  from: { remoteAddress: string; forwardedFor: string },
  email: string,
) =>
  app.inject({
    method: 'POST',
    url: '/staff/sign-in?lang=en',
    remoteAddress: from.remoteAddress,
    headers: { cookie: csrf(app).cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from.forwardedFor },
    payload: new URLSearchParams({ _csrf: csrf(app).field, email, password: 'guessing password' }).toString(),
  });

t.test('without TRUST_PROXY, a client cannot choose its address with X-Forwarded-For', async (t) => {
  const { app } = await buildTestApp(t);
  const answers = [];
  for (let i = 0; i < 21; i++)
    answers.push((await signIn(app, { remoteAddress: '203.0.113.7', forwardedFor: `192.0.2.${i}` }, `guess${i}@example.com`)).statusCode);
  t.same(answers.slice(0, 20), Array(20).fill(401));
  t.equal(answers[20], 429, 'a new forged address each time does not escape the per-address throttle');
  const ips = await app.db.selectFrom('audit_event').select('ip').distinct().execute();
  t.same(ips, [{ ip: '203.0.113.7' }], 'the audit log has the address the connection came from');
});

t.test('with TRUST_PROXY, only the listed proxies say who the client is', async (t) => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '127.0.0.1' });
  await signIn(app, { remoteAddress: '127.0.0.1', forwardedFor: '192.0.2.1' }, 'first@example.com');
  await signIn(app, { remoteAddress: '203.0.113.7', forwardedFor: '192.0.2.2' }, 'second@example.com');
  const events = await app.db.selectFrom('audit_event').select(['actor_label', 'ip']).orderBy('id').execute();
  t.same(events, [
    { actor_label: 'first@example.com', ip: '192.0.2.1' },
    { actor_label: 'second@example.com', ip: '203.0.113.7' },
  ]);
});
