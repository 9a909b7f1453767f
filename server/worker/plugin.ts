import fp from 'fastify-plugin';
import { purgeStaleAlumniRows } from '../alumni/sessions.ts';
import { generalizeLegacyYears } from '../answers/legacy.ts';
import { releaseAnswers } from '../answers/release.ts';
import { invitationContext } from '../invitations/context.ts';
import { closeExpiredInvitations, issueScheduledInvitations, sendDueReminders } from '../invitations/lifecycle.ts';
import { purgeStaleImports } from '../leavers/import/staging.ts';
import { erasePersonalDataPastRetention } from '../leavers/retention.ts';
import { deliverDueMail } from '../mail/deliver.ts';
import { sendScheduledQuarterlyReports } from '../reports/schedule.ts';
import { purgeExpiredDrafts, vacuumDrafts } from '../respondent/drafts.ts';
import { purgeStaleAuthRows } from '../staff/sessions.ts';
import { DEFAULT_SURVEY } from '../surveys/plugin.ts';

export interface Worker {
  /** Asks for a run soon (a mail was queued); calls close together share one run. No-op when the worker is off. */
  wake(): void;
  /** One pass over every background task; used by the loop, the CLI and tests. */
  runOnce(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    worker: Worker;
  }
}

const WAKE_DELAY_MS = 200;

/**
 * Background work, safe on every instance at once: each task claims its rows with
 * FOR UPDATE SKIP LOCKED, so no state lives in one process.
 */
export const workerPlugin = fp<{ enabled: boolean; intervalMs?: number }>(
  async (app, { enabled, intervalMs = 5000 }) => {
    let timer: NodeJS.Timeout | undefined;
    let dueAt = Number.POSITIVE_INFINITY;
    let running: Promise<void> | undefined;
    // Aborted when the app closes: no new pass is scheduled, and long tasks stop between steps rather than hold shutdown.
    const closing = new AbortController();

    async function runOnce() {
      // Invitations and reminders first, so the mail task sends what they queued in the same pass.
      // The settings are read once per pass, when a task first needs them.
      let context: ReturnType<typeof invitationContext> | undefined;
      const ctx = () => (context ??= invitationContext(app));
      const tasks: Array<[string, () => Promise<number>]> = [
        ['invitations', async () => issueScheduledInvitations(app.db, await ctx(), DEFAULT_SURVEY)],
        ['reminders', async () => sendDueReminders(app.db, await ctx())],
        ['expiry', () => closeExpiredInvitations(app.db)],
        ['mail', () => deliverDueMail(app.db, app.keys.outbox, app.mail.transport, app.log)],
        ['legacy-answers', () => generalizeLegacyYears(app.db, app.keys.answerPool, app.config.anonymityK)],
        [
          'answers',
          () =>
            releaseAnswers(app.db, app.keys.answerPool, {
              k: app.config.anonymityK,
              maxDays: app.config.releaseMaxDays,
              signal: closing.signal,
            }),
        ],
        [
          'drafts',
          async () => {
            const purged = await purgeExpiredDrafts(app.db);
            // Completion deletes drafts as it goes: their dead tuples are reclaimed here, whoever deleted them.
            await vacuumDrafts(app.db);
            return purged;
          },
        ],
        ['auth', () => purgeStaleAuthRows(app.db)],
        ['alumni', () => purgeStaleAlumniRows(app.db)],
        ['imports', () => purgeStaleImports(app.db)],
        ['retention', () => erasePersonalDataPastRetention(app.db)],
        // Last: building a quarter's reports takes a while, once a quarter.
        ['quarterly-reports', () => sendScheduledQuarterlyReports(app)],
      ];
      for (const [name, task] of tasks) {
        try {
          const count = await task();
          if (count > 0 && name !== 'mail') app.log.info({ task: name, count }, 'background task done');
        } catch (error) {
          app.log.error({ err: error, task: name }, 'background task failed');
        }
      }
    }

    function schedule(delay: number) {
      if (!enabled || closing.signal.aborted) return;
      clearTimeout(timer);
      dueAt = Date.now() + delay;
      timer = setTimeout(() => {
        dueAt = Number.POSITIVE_INFINITY;
        running ??= runOnce().finally(() => {
          running = undefined;
          schedule(intervalMs);
        });
      }, delay);
    }

    app.decorate('worker', {
      wake: () => {
        // A burst of registrations is served by one pass shortly after, not one pass each.
        if (!running && dueAt > Date.now() + WAKE_DELAY_MS) schedule(WAKE_DELAY_MS);
      },
      runOnce,
    });
    app.addHook('onReady', async () => schedule(0));
    app.addHook('onClose', async () => {
      closing.abort();
      clearTimeout(timer);
      await running;
    });
  },
  { name: 'honne-worker', dependencies: ['honne-db', 'honne-mail', 'honne-config'] },
);
