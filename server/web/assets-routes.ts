import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { VIEWS_DIR } from './views-plugin.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(name));

/** Local assets: ours under /assets, SurveyJS and Chart.js from node_modules under /vendor (no CDN, rule 9). */
export const assetRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: `${VIEWS_DIR}/assets`, prefix: '/assets/', immutable: false, maxAge: '1h' });
  for (const pkg of ['survey-core', 'survey-js-ui', 'chart.js']) {
    await app.register(fastifyStatic, {
      root: packageDir(pkg),
      prefix: `/vendor/${pkg}/`,
      decorateReply: false,
      maxAge: '1d',
      allowedPath: (path) => /\.(js|css)$/.test(path),
    });
  }
};
