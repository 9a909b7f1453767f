import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config/config.ts';
import { connect, type DatabaseHandle, embeddedDir } from './db/connect.ts';
import { EmbeddedDatabaseBusyError } from './db/embedded-lock.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logging.ts';
import { firstRunSetupUrl } from './staff/first-run.ts';

/** Owns what buildApp does not: the process, the listening socket, start-up and shutdown. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Honne cannot start: ${error.message}`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);

  let database: DatabaseHandle;
  try {
    database = await connect({ databaseUrl: config.databaseUrl, embeddedDir: embeddedDir(config.dataDir) });
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusyError)) throw error;
    console.error(`Honne cannot start: ${error.message}`);
    process.exit(1);
  }
  const applied = await migrateToLatest(database.db);
  logger.info({ database: database.kind, migrations: applied }, 'database ready');

  const app = await buildApp(config, { db: database.db, logger, worker: true });
  app.server.requestTimeout = 30_000;
  app.server.headersTimeout = 15_000;
  app.server.keepAliveTimeout = 65_000;

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    // Requests waiting on an unreachable database fail within seconds (connect_timeout);
    // the app gets 6 s, then the database connections are ended (at most 4 s more),
    // inside close-with-grace's 10 s.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = await Promise.race([
      app.close().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, 6_000, false))),
    ]);
    clearTimeout(timer);
    if (!closed) app.log.warn('requests still running after 6 s; closing the database under them');
    await database.close();
  });

  await app.listen({ port: config.port, host: config.host });
  // Printed, never logged: the link is a one-time credential for the operator at the console.
  const setupUrl = await firstRunSetupUrl(app);
  if (setupUrl) process.stdout.write(`\nNo administrator yet. Create the first one (link valid 24 h, once):\n  ${setupUrl}\n\n`);
  app.log.info(
    { publicUrl: config.publicUrl, database: database.kind, mail: config.smtpUrl ? 'smtp' : `${config.dataDir}/outbox` },
    'Honne is ready',
  );
}

await main();
