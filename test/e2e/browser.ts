import { createServer } from 'node:net';

/** Debian's Chromium, installed by .ci/run; the flags keep it off the (closed) network. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const SHOTS = new URL('./screenshots/', import.meta.url).pathname;

/** A port to give the app before it starts, so PUBLIC_URL can name it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
