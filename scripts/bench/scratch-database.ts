import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/**
 * A database of its own for one benchmark run, on the server DATABASE_URL (an
 * admin connection) names; `drop()` removes it, unless BENCH_KEEP=1 (to rerun a
 * step by hand on the same data). Without DATABASE_URL the benchmark stops,
 * saying how to run it.
 */
export async function scratchDatabase(bench: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.error(`${bench} needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres`);
    process.exit(2);
  }
  const name = `honne_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  return {
    url: Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString(),
    async drop() {
      if (process.env.BENCH_KEEP === '1') {
        console.log(`${bench}: kept database ${name}`);
        await admin.end();
        return;
      }
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
