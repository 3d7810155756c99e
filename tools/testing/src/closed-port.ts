import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on: the OS picks a free one, it is bound and closed again, so a
 * connection to it is refused at once (for tests of what a client does when the environment points
 * it somewhere dead).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('the loopback server had no port');
  return address.port;
}
