import fp from 'fastify-plugin';
import { deriveKeys, type Keys } from '../crypto/keys.ts';
import type { Config } from './config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** Keys derived from SECRET, one per purpose. */
    keys: Keys;
  }
}

/** Makes the validated configuration and the keys derived from it available. */
export const configPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('config', config);
    app.decorate('keys', deriveKeys(config.secret));
  },
  { name: 'honne-config' },
);
