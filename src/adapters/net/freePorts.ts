import { createServer } from 'node:net';
import type { PortAllocatorPort } from '../../core/build/ports';

/** Asks the kernel for free ports (listen on port 0), all held at once so they are distinct, then releases them. */
export const freePortAllocator: PortAllocatorPort = {
  async freePorts(count) {
    const servers = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<{ port: number; close: () => Promise<void> }>((res, rej) => {
            const s = createServer();
            s.once('error', rej);
            s.listen(0, '127.0.0.1', () => {
              const port = (s.address() as { port: number }).port;
              res({ port, close: () => new Promise<void>((r) => s.close(() => r())) });
            });
          }),
      ),
    );
    await Promise.all(servers.map((s) => s.close()));
    return servers.map((s) => s.port);
  },
};
