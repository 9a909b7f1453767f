import t from 'tap';
import { lockEmployeeIds } from '../server/leavers/employee-lock.ts';
import { testDatabase } from './helpers/database.ts';

t.test('a 50,000-row import locks its employee ids within the lock table', async (t) => {
  const { db } = await testDatabase(t);
  const ids = Array.from({ length: 50_000 }, (_v, i) => `E${i}`);
  // One advisory lock per id ran PostgreSQL out of shared memory (its lock table holds about 6,400).
  await t.resolves(db.transaction().execute((trx) => lockEmployeeIds(trx, ids)));
});
