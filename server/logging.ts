import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import { serializeError } from './errors/serialize-error.ts';

/**
 * Survey, set-up, password and alumni links carry their token in the path:
 * request logs show `/s/[token]`, `/alumni/link/[token]` and so on.
 * Query strings are dropped (they may carry one-time tokens too).
 */
export function redactUrl(url: string): string {
  return url.split('?')[0]!.replace(/^\/(s|setup|staff\/password|alumni\/(?:join|link|unsubscribe))\/[^/]+/, '/$1/[token]');
}

const serializers = {
  req: (request: FastifyRequest) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
  res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
  // Not pino's own: a PostgreSQL error carries the row it refused (errors/serialize-error.ts).
  err: serializeError,
};

/**
 * Pretty output only on a terminal; JSON lines otherwise. Secrets are redacted by
 * path as a second line of defence: code never logs tokens, answers or mail bodies.
 */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  const options = {
    level,
    serializers,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password', '*.answers', '*.secret', '*.html', '*.text'],
      censor: '[redacted]',
    },
  };
  if (stream) return pino(options, stream);
  if (process.stdout.isTTY) return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } });
  return pino(options);
}
