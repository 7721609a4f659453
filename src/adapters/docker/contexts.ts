/**
 * Docker contexts as the docker CLI stores them: ~/.docker/contexts/meta/<sha256(name)>/meta.json
 * (`{"Name", "Endpoints": {"docker": {"Host", "SkipTLSVerify"}}}`) and TLS material under
 * ~/.docker/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SlipwayError } from '../../core/errors';
import { defaultEndpoint, type EngineEndpoint } from './endpoint';

export interface DockerContext {
  readonly name: string;
  readonly endpoint: EngineEndpoint;
}

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG && env.DOCKER_CONFIG.length > 0 ? env.DOCKER_CONFIG : join(env.HOME ?? homedir(), '.docker');
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

function readContext(dir: string, id: string): DockerContext | undefined {
  const metaFile = join(dir, 'contexts', 'meta', id, 'meta.json');
  let meta: ContextMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as ContextMeta;
  } catch {
    return undefined;
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!meta.Name || !host) return undefined;
  const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
  const file = (name: string): string | undefined => (existsSync(join(tlsDir, name)) ? join(tlsDir, name) : undefined);
  const tls = { ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') };
  return { name: meta.Name, endpoint: { host, ...(tls.ca || tls.cert || tls.key ? { tls } : {}) } };
}

/** Every context the docker CLI knows, plus `default` (DOCKER_HOST or the standard socket). */
export function listDockerContexts(env: NodeJS.ProcessEnv = process.env): DockerContext[] {
  const dir = dockerConfigDir(env);
  const metaDir = join(dir, 'contexts', 'meta');
  const ids = existsSync(metaDir) ? readdirSync(metaDir) : [];
  const found = ids.map((id) => readContext(dir, id)).filter((c): c is DockerContext => c !== undefined);
  return [{ name: 'default', endpoint: defaultEndpoint(env) }, ...found];
}

/** The endpoint of a named context; the meta directory is the SHA-256 of the name, as the docker CLI does it. */
export function resolveDockerContext(name: string, env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  if (name === 'default') return defaultEndpoint(env);
  const dir = dockerConfigDir(env);
  const id = createHash('sha256').update(name).digest('hex');
  const direct = readContext(dir, id);
  if (direct) return direct.endpoint;
  const known = listDockerContexts(env);
  const byName = known.find((c) => c.name === name);
  if (byName) return byName.endpoint;
  throw new SlipwayError('config', `Unknown Docker context "${name}"`, {
    hint: `Known contexts: ${known.map((c) => c.name).join(', ')}. Create it with \`docker context create ${name} --docker host=…\``,
    details: { context: name },
  });
}
