import { join } from 'node:path';
import fp from 'fastify-plugin';
import { VIEWS_DIR } from '../web/views-plugin.ts';
import { type MailRenderer, mailRenderer } from './render.ts';
import { folderTransport, type MailTransport, smtpTransport } from './transport.ts';

export interface Mail {
  transport: MailTransport;
  render: MailRenderer;
}

declare module 'fastify' {
  interface FastifyInstance {
    mail: Mail;
  }
}

/** SMTP_URL when set, else .eml files in DATA_DIR/outbox; a test may pass its own transport. */
export const mailPlugin = fp<{ transport?: MailTransport }>(
  async (app, options) => {
    const { smtpUrl, mailFrom, dataDir } = app.config;
    const transport =
      options.transport ?? (smtpUrl ? smtpTransport(smtpUrl, mailFrom) : folderTransport(join(dataDir, 'outbox'), mailFrom));
    app.decorate('mail', { transport, render: mailRenderer(VIEWS_DIR) });
    app.addHook('onClose', async () => transport.close());
  },
  { name: 'honne-mail', dependencies: ['honne-config'] },
);
