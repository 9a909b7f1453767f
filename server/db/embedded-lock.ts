import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another process already holds the embedded database (PGlite opens a data folder in one process only). */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly pid: number,
    dataDir: string,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another Honne process (pid ${pid}). ` +
        "Stop that process first (or, for leavers, use the running server's API), " +
        'or run against a PostgreSQL server with DATABASE_URL.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

/** Whether a process with this pid is alive (EPERM: alive, but another user's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the embedded database's lock file, or throws if a live process holds it.
 * A lock left by a process that died is taken over. Returns the release function.
 */
export function lockEmbeddedDatabase(pgDir: string): () => void {
  mkdirSync(pgDir, { recursive: true });
  const file = join(pgDir, 'honne.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new EmbeddedDatabaseBusyError(holder, pgDir);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
