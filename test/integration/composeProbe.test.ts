import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import Docker from 'dockerode';
import { ComposeEnvironments } from '../../src/adapters/compose/environment';

// Readiness by published port on an engine reached over TCP: the port is probed at the engine's host, not here.
describe('compose readiness probe of a published port', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  it('probes a port published on all interfaces at a TCP engine’s host, and here for a local socket', async () => {
    const remote = new ComposeEnvironments(new Docker(), { host: 'tcp://127.0.0.2:2375' }, {}, false);
    assert.equal(await remote.portAnswers('127.0.0.1', port), true, 'the TCP engine’s host was not probed');
    const local = new ComposeEnvironments(new Docker(), { host: 'unix:///var/run/docker.sock' }, {}, true);
    assert.equal(await local.portAnswers('127.0.0.1', port), false, 'a local engine’s port is probed on this machine');
    assert.equal(await local.portAnswers('127.0.0.2', port), true);
  });
});
