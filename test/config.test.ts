import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../server/config/config.ts';

const SECRET = 's'.repeat(40);

t.test('defaults', async (t) => {
  const dir = t.testdir();
  const config = loadConfig({ DATA_DIR: dir });
  t.match(config, {
    port: 3000,
    host: '0.0.0.0',
    publicUrl: 'http://localhost:3000',
    databaseUrl: undefined,
    anonymityK: 5,
    releaseMaxDays: 30,
    smtpUrl: undefined,
    logLevel: 'info',
  });
});

t.test('embedded mode generates SECRET once and keeps it in DATA_DIR', async (t) => {
  const dir = t.testdir();
  const first = loadConfig({ DATA_DIR: dir });
  t.ok(first.secret.length >= 32);
  t.equal(loadConfig({ DATA_DIR: dir }).secret, first.secret, 'the same secret after a restart');
  t.equal(readFileSync(join(dir, 'secret'), 'utf8').trim(), first.secret);
  t.equal(statSync(join(dir, 'secret')).mode & 0o777, 0o600, 'readable by its owner only');
});

const bad: Array<[Record<string, string>, string, RegExp]> = [
  [{ DATABASE_URL: 'postgres://db/honne', SECRET: '' }, 'SECRET', /required when DATABASE_URL/],
  [{ SECRET: 'short' }, 'SECRET', /at least 32/],
  [{ PORT: 'eighty' }, 'PORT', /whole number/],
  [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
  [{ ANONYMITY_K: '2' }, 'ANONYMITY_K', /between 3 and/],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
  [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL', /valid URL/],
  [{ SMTP_URL: 'http://mail' }, 'SMTP_URL', /smtp/],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
  [{ RELEASE_MAX_DAYS: '0' }, 'RELEASE_MAX_DAYS', /between 1/],
];

for (const [env, variable, message] of bad) {
  t.test(`a bad ${variable} stops the start, naming the variable`, async (t) => {
    const error = t.throws(() => loadConfig({ DATA_DIR: t.testdir(), SECRET, ...env })) as ConfigError;
    t.type(error, ConfigError);
    t.equal(error.variable, variable);
    t.match(error.message, new RegExp(`^${variable}: `));
    t.match(error.message, message);
  });
}

t.test('PUBLIC_URL loses its trailing slash, ANONYMITY_K is read', async (t) => {
  const config = loadConfig({ DATA_DIR: t.testdir(), SECRET, PUBLIC_URL: 'https://honne.example.jp/', ANONYMITY_K: '7' });
  t.equal(config.publicUrl, 'https://honne.example.jp');
  t.equal(config.anonymityK, 7);
});
