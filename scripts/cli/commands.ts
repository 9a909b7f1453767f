/**
 * The operations CLI's commands (`npm run honne -- <command>`, scripts/honne.ts). It
 * builds the same app as the server (without listening), so every command goes
 * through the same code and checks. `runCli` takes its environment and output as
 * arguments, so tests run it in their own process.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../../server/app.ts';
import { createApiToken } from '../../server/auth/api-tokens.ts';
import { ConfigError, loadConfig } from '../../server/config/config.ts';
import { connect, embeddedDir } from '../../server/db/connect.ts';
import { EmbeddedDatabaseBusyError } from '../../server/db/embedded-lock.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { auditAnonymity } from '../../server/answers/audit.ts';
import { poolHealth } from '../../server/answers/pool-health.ts';
import { releaseAnswers } from '../../server/answers/release.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { StaffRole } from '../../server/db/schema.ts';
import { isLocale, type Locale, translate } from '../../server/i18n/messages.ts';
import { recordAudit } from '../../server/audit/record.ts';
import { createOneTimeLink } from '../../server/staff/one-time-links.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../server/staff/passwords.ts';
import { createStaffUser, departmentIds, ROLES } from '../../server/staff/users.ts';
import { invitationContext } from '../../server/invitations/context.ts';
import { parseLeaverInput } from '../../server/leavers/leaver-input.ts';
import { registerLeaver } from '../../server/leavers/register-leaver.ts';
import { DEFAULT_SURVEY } from '../../server/surveys/plugin.ts';
import { seedDemoAlumni } from '../../server/demo/alumni.ts';
import { DemoExistsError, seedDemo } from '../../server/demo/seed.ts';
import { mailQuarterlyReports, writeQuarterlyReports } from '../../server/reports/batch.ts';

const USAGE = `Usage: npm run honne -- <command>

  migrate                         apply database migrations
  token create --name NAME        create an API token (printed once)
  leaver add --employee-id ID --name NAME --email EMAIL --department DEPT
             --hire-date YYYY-MM-DD --last-day YYYY-MM-DD
             --exit-type voluntary|involuntary|retirement|contract_end --locale ja|en
                                  register a leaver and send the invitation
  user add --email EMAIL --role admin|hr|manager [--departments "営業部,開発部"] [--password P] [--locale ja|en]
                                  add a staff user (without --password: prints a link to set one)
  answers release                 release the answers waiting in the pool now (generalized as needed)
  answers audit                   count stored answers that fit fewer than k completed leavers (should be 0)
  mail deliver                    send queued mail now
  demo seed [--leavers N]         create a demo company (default 2,000 leavers over 8 quarters) with answered surveys
  reports quarterly --quarter 2026-Q3 --out DIR [--email]
                                  write every department's quarterly PDF to DIR; --email also mails each manager theirs`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** A line of the result, and one of an error. */
  out(text: string): void;
  err(text: string): void;
  /** Text as it is, no line end: a progress bar redrawn in place. */
  progress(text: string): void;
}
interface Cli {
  locale: Locale;
  io: CliIo;
}

const OPTIONS = {
  name: { type: 'string' },
  'employee-id': { type: 'string' },
  email: { type: 'string' },
  department: { type: 'string' },
  'hire-date': { type: 'string' },
  'last-day': { type: 'string' },
  'exit-type': { type: 'string' },
  locale: { type: 'string' },
  role: { type: 'string' },
  departments: { type: 'string' },
  password: { type: 'string' },
  leavers: { type: 'string' },
  quarter: { type: 'string' },
  out: { type: 'string' },
  send: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];
type Command = (app: Awaited<ReturnType<typeof buildApp>>, values: Values, cli: Cli) => Promise<string>;

const COMMANDS: Record<string, Command> = {
  migrate: async () => 'Migrations are up to date.',
  'token create': async (app, values) => {
    if (!values.name) throw new UsageError('token create needs --name NAME');
    const { token } = await createApiToken(app.db, values.name);
    return `${token}\n(This token is shown once. Use it as: Authorization: Bearer <token>)`;
  },
  'leaver add': async (app, values, { locale }) => {
    const input = parseLeaverInput(
      {
        employeeId: values['employee-id'],
        name: values.name,
        email: values.email,
        department: values.department,
        hireDate: values['hire-date'],
        lastDay: values['last-day'],
        exitType: values['exit-type'],
        locale: values.locale,
      },
      locale,
    );
    const { id } = await registerLeaver(app.db, { ...(await invitationContext(app)), survey: DEFAULT_SURVEY }, input);
    await app.worker.runOnce();
    return id;
  },
  'user add': async (app, values) => {
    const role = values.role as StaffRole | undefined;
    if (!values.email || !role || !ROLES.includes(role)) throw new UsageError('user add needs --email EMAIL --role admin|hr|manager');
    if (values.locale && !isLocale(values.locale)) throw new UsageError('--locale is ja or en');
    if (values.password !== undefined && values.password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(`--password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const passwordHash = values.password ? await hashPassword(values.password) : null;
    const { user, link } = await app.db.transaction().execute(async (trx) => {
      const ids = await departmentIds(trx, (values.departments ?? '').split(/[,、]/));
      const user = await createStaffUser(trx, {
        email: values.email!,
        role,
        passwordHash,
        locale: (values.locale as Locale) ?? null,
        departmentIds: ids,
      });
      await recordAudit(trx, { action: 'user_created', actorLabel: 'cli', target: user.email, details: { role, departments: ids.length } });
      return { user, link: passwordHash ? undefined : await createOneTimeLink(trx, 'password', user.id, 24 * 7) };
    });
    return link ? `${user.id}\nSet the password (link valid 7 days, once): ${app.config.publicUrl}/staff/password/${link}` : user.id;
  },
  'answers release': async (app) => {
    const count = await releaseAnswers(app.db, app.keys.answerPool, {
      k: app.config.anonymityK,
      maxDays: app.config.releaseMaxDays,
      force: true,
    });
    const { waiting, setAside } = await poolHealth(app.db);
    return `Released ${count} answer(s); ${waiting} wait for a class of at least ${app.config.anonymityK} in their year; ${setAside} set aside.`;
  },
  'answers audit': async (app) => {
    const k = app.config.anonymityK;
    const audit = await auditAnonymity(app.db, k);
    const c = audit.coarser;
    return [
      `${audit.responses} response(s); ${audit.underK} fit fewer than ${k} completed leavers.`,
      `Stored only at a coarser level: ${c.organisation} as the whole organisation, ${c.parentDepartment} at a department with sub-departments,`,
      `${c.year} by year only, ${c.tenure} any tenure, ${c.exitType} any exit type, ${c.regrettable} any regrettable.`,
    ].join('\n');
  },
  'demo seed': async (app, values) => {
    const leavers = values.leavers === undefined ? 2000 : Number(values.leavers);
    if (!Number.isInteger(leavers) || leavers < 1 || leavers > 100_000)
      throw new UsageError('--leavers is a whole number from 1 to 100000');
    try {
      const result = await seedDemo(app, leavers);
      const network = await seedDemoAlumni(app);
      return `Demo company created: ${result.leavers} leavers, ${result.responses} answered surveys, ${network.alumni} alumni, ${network.actions} improvement actions. Open /staff/insights.`;
    } catch (error) {
      if (error instanceof DemoExistsError) throw new UsageError(error.message);
      throw error;
    }
  },
  'reports quarterly': async (app, values, { locale, io }) => {
    if (!values.quarter || !/^\d{4}-Q[1-4]$/.test(values.quarter) || !values.out)
      throw new UsageError('reports quarterly needs --quarter YYYY-Qn --out DIR');
    const progress = (done: number, total: number) => {
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.progress(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
    };
    const started = performance.now();
    const files = await writeQuarterlyReports(app, { quarter: values.quarter, outDir: values.out, locale, onProgress: progress });
    const mails = values.send ? await mailQuarterlyReports(app, { quarter: values.quarter, locale }) : 0;
    const took = `${((performance.now() - started) / 1000).toFixed(1)} s, peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
    return `Wrote ${files} report(s) to ${values.out} in ${took}${values.send ? `; queued ${mails} mail(s) to managers` : ''}.`;
  },
  'mail deliver': async (app) => {
    await app.worker.runOnce();
    const waiting = await app.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sent_at', 'is', null)
      .executeTakeFirstOrThrow();
    return `Mail still queued: ${waiting.n}.`;
  },
};

class UsageError extends Error {}

function describeError(error: unknown, locale: Locale): string {
  if (error instanceof AppError) {
    const lines = [translate(locale, error.messageKey, error.params)];
    for (const problem of error.errors ?? []) {
      const where = problem.field ?? problem.question ?? '';
      lines.push(`  ${where}: ${problem.messageKey ? translate(locale, problem.messageKey) : problem.message}`);
    }
    return lines.join('\n');
  }
  if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return `${(error as Error).message.split('.')[0]}.\n\n${USAGE}`;
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof EmbeddedDatabaseBusyError) return error.message;
  return String((error as Error).stack ?? error);
}

async function run(argv: string[], cli: Cli): Promise<number> {
  // `reports quarterly --email` is a switch, while `user add --email` takes an address.
  const args = argv[0] === 'reports' ? argv.map((arg) => (arg === '--email' ? '--send' : arg)) : argv;
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  const name = positionals.slice(0, 2).join(' ');
  const command = COMMANDS[name] ?? COMMANDS[positionals[0] ?? ''];
  if (values.help || !command) {
    cli.io.out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig(cli.io.env);
  const database = await connect({ databaseUrl: config.databaseUrl, embeddedDir: embeddedDir(config.dataDir), maxConnections: 2 });
  try {
    await migrateToLatest(database.db);
    const logger = pino({ level: 'warn' }, pino.destination(2));
    const app = await buildApp(config, { db: database.db, logger });
    try {
      await app.ready();
      cli.io.out(await command(app, values, cli));
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
  return 0;
}

/** Runs one command; its exit code: 0 done, 2 refused (usage, input, configuration), 3 a conflict. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const locale: Locale = /^ja/i.test(io.env.LANG ?? '') ? 'ja' : 'en';
  try {
    return await run(argv, { locale, io });
  } catch (error) {
    io.err(describeError(error, locale));
    return error instanceof AppError && error.statusCode === 409 ? 3 : 2;
  }
}
