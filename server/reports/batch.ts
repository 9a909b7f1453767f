import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Locale, translate } from '../i18n/messages.ts';
import { loadDepartments } from '../insights/load.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { loadSettings } from '../settings/settings.ts';
import { buildQuarterlyReport } from './build.ts';

/**
 * Heap growth allowed between collections when the process exposes `gc` (the CLI
 * runs with --expose-gc). Each report leaves a few MB that V8 would otherwise let
 * pile up for a hundred reports before collecting; collecting every report would
 * double the batch's time.
 */
const HEAP_SLACK = 32 * 1024 * 1024;

/** Collects when the heap has grown by HEAP_SLACK since the last time; a no-op without --expose-gc. */
function collector() {
  const gc = (globalThis as { gc?: () => void }).gc;
  let floor = process.memoryUsage().heapUsed;
  return () => {
    if (!gc || process.memoryUsage().heapUsed - floor < HEAP_SLACK) return;
    gc();
    floor = process.memoryUsage().heapUsed;
  };
}

const fileName = (quarter: string, name: string) => `${quarter}-${name.replace(/[\\/:*?"<>|\s]+/g, '_')}.pdf`;

/**
 * Every department's quarterly report, one at a time (memory stays flat however
 * many there are), written to `outDir`. Returns how many files.
 */
export async function writeQuarterlyReports(
  app: FastifyInstance,
  options: { quarter: string; outDir: string; locale: Locale; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const departments = await loadDepartments(app.db);
  await mkdir(options.outDir, { recursive: true });
  let done = 0;
  const collect = collector();
  for (const department of departments) {
    const { pdf } = await buildQuarterlyReport(app, options.quarter, department.id, { all: true }, options.locale);
    await writeFile(join(options.outDir, fileName(options.quarter, department.name)), pdf);
    options.onProgress?.(++done, departments.length);
    collect();
  }
  return departments.length;
}

/**
 * Each manager gets the reports of the departments assigned to them, in their
 * language (else `locale`), as attachments through the outbox. Returns how many mails.
 */
export async function mailQuarterlyReports(app: FastifyInstance, options: { quarter: string; locale: Locale }): Promise<number> {
  const managers = await app.db
    .selectFrom('staff_user')
    .innerJoin('staff_department', 'staff_department.user_id', 'staff_user.id')
    .innerJoin('department', 'department.id', 'staff_department.department_id')
    .select(['staff_user.id', 'staff_user.email', 'staff_user.locale', 'department.id as department_id', 'department.name'])
    .where('staff_user.role', '=', 'manager')
    .orderBy('staff_user.email')
    .execute();
  const settings = await loadSettings(app.db);
  const company = settings.senderName ?? app.config.orgName;
  const collect = collector();
  let mails = 0;
  for (const email of [...new Set(managers.map((m) => m.email))]) {
    const own = managers.filter((m) => m.email === email);
    const locale = own[0]!.locale ?? options.locale;
    const attachments = [];
    for (const m of own) {
      const { pdf } = await buildQuarterlyReport(
        app,
        options.quarter,
        m.department_id,
        { all: false, departmentIds: own.map((o) => o.department_id) },
        locale,
      );
      attachments.push({ filename: fileName(options.quarter, m.name), contentType: 'application/pdf', base64: pdf.toString('base64') });
    }
    const t = (key: 'reports.mail.subject' | 'reports.mail.body') =>
      translate(locale, key, { company, quarter: options.quarter, count: attachments.length });
    await enqueueMail(app.db, app.keys.outbox, {
      kind: 'quarterly_report',
      message: {
        to: email,
        subject: t('reports.mail.subject'),
        text: t('reports.mail.body'),
        html: `<p>${t('reports.mail.body')}</p>`,
        fromName: company,
        attachments,
      },
    });
    mails++;
    collect();
  }
  app.worker.wake();
  return mails;
}
