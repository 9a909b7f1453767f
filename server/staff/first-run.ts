import type { FastifyInstance } from 'fastify';
import { createOneTimeLink } from './one-time-links.ts';
import { adminExists } from './users.ts';

/** While no administrator exists, a one-time link (24 h) that creates the first one; the newest link replaces older ones. */
export async function firstRunSetupUrl(app: FastifyInstance): Promise<string | undefined> {
  if (await adminExists(app.db)) return undefined;
  const token = await createOneTimeLink(app.db, 'setup', null, 24);
  return `${app.config.publicUrl}/setup/${token}`;
}
