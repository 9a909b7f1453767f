/** Experiment (not committed): the same two statements through Kysely + kysely-postgres-js. */
import { createHash, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { connect } from '../../server/db/connect.ts';
const { db } = await connect({ databaseUrl: process.env.DATABASE_URL!, maxConnections: 10 });
const app = Fastify({ logger: false });
app.post('/s/:token/complete', async (request, reply) => {
  const hash = createHash('sha256').update((request.params as { token: string }).token).digest();
  const { rows: [inv] } = await sql<{ id: string }>`SELECT i.id FROM invitation i JOIN leaver l ON l.id = i.leaver_id WHERE i.token_hash = ${hash}`.execute(db);
  const sealed = Buffer.from(JSON.stringify((request.body as { answers: unknown }).answers));
  await sql`WITH done AS (UPDATE invitation SET completed_on = current_date WHERE id = ${inv!.id} AND completed_on IS NULL AND expires_on >= current_date RETURNING id),
    dropped AS (DELETE FROM draft WHERE invitation_id IN (SELECT id FROM done))
    INSERT INTO answer_pool (id, sealed, waiting_since) SELECT ${randomUUID()}, ${sealed}, current_date FROM done`.execute(db);
  return reply.code(201).send({ status: 'received' });
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', async () => { await app.close(); await db.destroy(); process.exit(0); });
