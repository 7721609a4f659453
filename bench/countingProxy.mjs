// A counting proxy socket in front of a Docker engine: every HTTP request line that passes towards the engine is one
// API call, whichever client sends it (Slipway, the docker CLI). Shared by the benches that compare API calls.
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** Listens on `<dir>/engine.sock`; `host` is its unix:// address, `requests()` the count so far, `close()` stops it. */
export async function countingProxy(engineSocket, dir) {
  const path = join(dir, 'engine.sock');
  let requests = 0;
  const server = createServer((client) => {
    const engine = createConnection(engineSocket);
    client.on('data', (chunk) => {
      requests += (chunk.toString('latin1').match(/^(GET|POST|PUT|DELETE|HEAD) \/\S* HTTP\/1\.[01]\r$/gm) ?? []).length;
    });
    client.pipe(engine).pipe(client);
    const end = () => (client.destroy(), engine.destroy());
    client.on('error', end);
    engine.on('error', end);
  });
  await new Promise((r) => server.listen(path, r));
  return { host: `unix://${path}`, requests: () => requests, close: () => server.close() };
}
