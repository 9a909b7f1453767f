import fastifyCookie from '@fastify/cookie';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Cookie options for this installation (Secure when PUBLIC_URL is https). */
    cookieOptions(maxAgeSeconds?: number): { path: string; httpOnly: boolean; sameSite: 'lax'; secure: boolean; maxAge?: number };
  }
}

/** Cookie parsing and this installation's cookie options, for the sessions and the CSRF check alike. */
export const cookiesPlugin = fp(
  async (app) => {
    await app.register(fastifyCookie);
    const secure = app.config.publicUrl.startsWith('https:');
    app.decorate('cookieOptions', (maxAge?: number) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure,
      ...(maxAge ? { maxAge } : {}),
    }));
  },
  { name: 'honne-cookies', dependencies: ['honne-config'] },
);
