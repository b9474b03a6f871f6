import { createServer } from 'node:net';

/**
 * A port that was free on loopback a moment ago, for servers this process starts for itself (test
 * and benchmark stacks, the worker runtime's metrics exporter). Another process could take it in
 * between; the callers' servers fail loudly if one does.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
