import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { MessageKey } from '../i18n/messages.ts';
import { AppError, type FieldProblem } from './app-error.ts';
import { fieldErrors } from './validation-messages.ts';

/** JSON for the API and for script clients (fetch with JSON), an HTML page for people. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  if ((request.headers['content-type'] ?? '').includes('application/json')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const KEY_BY_STATUS: Record<number, MessageKey> = {
  400: 'error.bad_request',
  401: 'error.unauthorized',
  403: 'error.forbidden',
  404: 'error.not_found',
  409: 'error.conflict',
  413: 'error.payload_too_large',
};

interface Rendered {
  status: number;
  code: string;
  message: string;
  title?: string;
  errors?: Array<Record<string, string>>;
}

function resolveProblem(request: FastifyRequest, { messageKey, message, ...where }: FieldProblem) {
  return { ...where, message: messageKey ? request.t(messageKey) : (message ?? '') } as Record<string, string>;
}

function describe(error: FastifyError | AppError, request: FastifyRequest): Rendered {
  if (error instanceof AppError) {
    return {
      status: error.statusCode,
      code: error.code,
      message: request.t(error.messageKey, error.params),
      ...(error.titleKey ? { title: request.t(error.titleKey) } : {}),
      ...(error.errors ? { errors: error.errors.map((problem) => resolveProblem(request, problem)) } : {}),
    };
  }
  if (error.validation) {
    return {
      status: 400,
      code: 'validation',
      message: request.t('error.validation'),
      errors: fieldErrors(request.locale, error.validation),
    };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  const key = KEY_BY_STATUS[status] ?? (status >= 500 ? 'error.server' : 'error.bad_request');
  return { status, code: status >= 500 ? 'internal' : (error.code ?? 'bad_request'), message: request.t(key) };
}

export async function sendError(request: FastifyRequest, reply: FastifyReply, rendered: Rendered) {
  reply.code(rendered.status);
  if (wantsJson(request)) {
    return reply.send({
      error: { code: rendered.code, message: rendered.message },
      ...(rendered.errors ? { errors: rendered.errors } : {}),
    });
  }
  return reply.view('error', {
    title: rendered.title ?? request.t('error.title'),
    message: rendered.message,
    status: rendered.status,
    errors: rendered.errors ?? [],
  });
}

/** One place renders every error: 5xx details are logged, never shown. */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
      const rendered = describe(error, request);
      if (rendered.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: rendered.code, status: rendered.status }, 'request rejected');
      return sendError(request, reply, rendered);
    });
    app.setNotFoundHandler(async (request, reply) =>
      sendError(request, reply, { status: 404, code: 'not_found', message: request.t('error.not_found') }),
    );
  },
  { name: 'honne-errors', dependencies: ['honne-i18n', 'honne-views'] },
);
