import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config/config.ts';
import { createLogger } from '../../server/logging.ts';
import type { MailMessage } from '../../server/mail/outbox.ts';
import type { MailTransport } from '../../server/mail/transport.ts';
import { testDatabase, type TestDatabase } from './database.ts';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** Keeps what was sent; `failNext(n)` makes the next n sends fail like an SMTP outage. */
export function memoryTransport() {
  const sent: MailMessage[] = [];
  let failures = 0;
  const transport: MailTransport & { sent: MailMessage[]; failNext(n: number): void } = {
    sent,
    failNext: (n) => {
      failures = n;
    },
    async send(_id, message) {
      if (failures > 0) {
        failures--;
        throw new Error('421 service not available');
      }
      sent.push(message);
      return 'memory';
    },
    close() {},
  };
  return transport;
}

/** Every log line the app writes, parsed, for tests that look for leaks. */
export function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  mail: ReturnType<typeof memoryTransport>;
  logs: string[];
}

export function testConfig(t: Test, env: Record<string, string> = {}): Config {
  return loadConfig({ SECRET: TEST_SECRET, DATA_DIR: t.testdir(), PUBLIC_URL: 'http://honne.test', LOG_LEVEL: 'trace', ...env });
}

/** The real app on a fresh database, with mail kept in memory and every log line captured. */
export async function buildTestApp(t: Test, env: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await testDatabase(t));
  const config = testConfig(t, env);
  const mail = memoryTransport();
  const { lines, stream } = logCapture();
  const app = await buildApp(config, { db: db.db, logger: createLogger('trace', stream), mailTransport: mail });
  await app.ready();
  t.teardown(() => app.close());
  return { app, database: db, config, mail, logs: lines };
}
