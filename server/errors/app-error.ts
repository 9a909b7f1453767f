import type { MessageKey, Params } from '../i18n/messages.ts';

/** One problem with one field (API) or question (survey); the message is resolved when rendered. */
export interface FieldProblem {
  field?: string;
  question?: string;
  message?: string;
  messageKey?: MessageKey;
}

export interface AppErrorOptions {
  code: string;
  status: number;
  messageKey: MessageKey;
  params?: Params;
  /** The heading of the error page; a generic one when absent. */
  titleKey?: MessageKey;
  errors?: FieldProblem[];
}

/**
 * An error the user is meant to see: a stable code, an HTTP status, and a message
 * key translated into the user's language when the error is rendered.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly messageKey: MessageKey;
  readonly params: Params;
  readonly titleKey: MessageKey | undefined;
  readonly errors: FieldProblem[] | undefined;

  constructor(options: AppErrorOptions) {
    super(options.code);
    this.name = 'AppError';
    this.code = options.code;
    this.statusCode = options.status;
    this.messageKey = options.messageKey;
    this.params = options.params ?? {};
    this.titleKey = options.titleKey;
    this.errors = options.errors;
  }
}

export const unauthorized = () => new AppError({ code: 'unauthorized', status: 401, messageKey: 'error.unauthorized' });
export const conflict = (messageKey: MessageKey, params?: Params) =>
  new AppError({ code: 'conflict', status: 409, messageKey, ...(params ? { params } : {}) });
export const invalid = (errors: FieldProblem[]) =>
  new AppError({ code: 'validation', status: 400, messageKey: 'error.validation', errors });
