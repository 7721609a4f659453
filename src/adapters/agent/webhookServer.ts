/**
 * The agent's HTTP endpoint (node:http): POST /events with `Authorization: Bearer <token>` takes the registry's
 * notification envelopes; anything without the right token gets 401 and changes nothing. GET /health answers 200.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AGENT_EVENTS_PATH } from '../../core/agent/agentService';

export interface WebhookHandler {
  /** Throws with a plain reason for a body that is not an envelope (answered 400). */
  accept(body: unknown): { pushes: number; ignored: number } | 'stopping';
}

export interface WebhookServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly token: string;
  readonly handler: WebhookHandler;
  readonly log: (line: string) => void;
}

const MAX_BODY = 1024 * 1024;

/** Constant-time comparison of the bearer token (hashes first, so lengths do not leak either). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(new Uint8Array(a), new Uint8Array(b));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`the body is larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(new Uint8Array(c));
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startWebhookServer(options: WebhookServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body + '\n');
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return answer(200, 'ok');
    if (path !== AGENT_EVENTS_PATH) return answer(404, 'not found');
    if (req.method !== 'POST') return answer(405, 'POST only');
    if (!tokenMatches(req.headers.authorization, options.token)) {
      options.log(`rejected a request from ${req.socket.remoteAddress ?? '?'}: ${req.headers.authorization ? 'wrong token' : 'no token'} (401, nothing changed)`);
      return answer(401, 'unauthorized');
    }
    readBody(req).then(
      (text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          options.log('rejected an event body that is not JSON (400)');
          return answer(400, 'not JSON');
        }
        try {
          const accepted = options.handler.accept(body);
          if (accepted === 'stopping') return answer(503, 'the agent is stopping; send it again');
          answer(200, `accepted ${accepted.pushes} push(es), ignored ${accepted.ignored} event(s)`);
        } catch (e) {
          options.log(`rejected a body: ${(e as Error).message} (400)`);
          answer(400, (e as Error).message);
        }
      },
      (e: Error) => answer(413, e.message),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve(server));
  });
}
