/** The baseline for bench:submit: the least a server can do with the same request. */
import Fastify from 'fastify';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const app = Fastify({ logger: false });
app.post('/bare', async (request, reply) => {
  await sql`INSERT INTO bench_bare (payload) VALUES (${sql.json((request.body as { answers: never }).answers)})`;
  return reply.code(201).send({ status: 'received' });
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', async () => {
  await app.close();
  await sql.end();
  process.exit(0);
});
