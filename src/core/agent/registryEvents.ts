/**
 * The distribution registry's notifications (`notifications.endpoints` in its config): an envelope of events, of
 * which only manifest pushes by tag can trigger a deploy. Blob pushes, pulls, deletes and pushes by digest are not
 * pushes of a tag. Pure parsing: the HTTP server hands the body here.
 */

/** Manifest media types a push of an image (or an index of images) carries. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

/** A push of a manifest under a tag, as the agent acts on it. */
export interface TagPush {
  /** The event's id (the registry sends each event with a unique id; retries send the same id). */
  readonly id: string;
  /** host[:port] the pusher used (request.host), when the registry says. */
  readonly registryHost?: string;
  /** Repository path inside the registry (`team/demo`). */
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  /** Who pushed (the registry's authenticated user); `anonymous` for a registry without auth. */
  readonly actor: string;
  readonly timestamp?: string;
}

/** Why an event of the envelope does not trigger anything (the agent logs these). */
export interface IgnoredEvent {
  readonly id: string;
  readonly reason: string;
}

export interface ParsedEnvelope {
  readonly pushes: readonly TagPush[];
  readonly ignored: readonly IgnoredEvent[];
}

interface RawEvent {
  id?: unknown;
  timestamp?: unknown;
  action?: unknown;
  target?: { mediaType?: unknown; digest?: unknown; repository?: unknown; tag?: unknown };
  request?: { host?: unknown };
  actor?: { name?: unknown };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Throws an Error with a plain reason when the body is not an envelope (the server answers 400 with it). */
export function parseEnvelope(body: unknown): ParsedEnvelope {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { events?: unknown }).events)) {
    throw new Error('the body is not a registry notification envelope (no "events" list)');
  }
  const pushes: TagPush[] = [];
  const ignored: IgnoredEvent[] = [];
  for (const raw of (body as { events: RawEvent[] }).events) {
    const id = str(raw?.id) ?? '(no id)';
    const action = str(raw?.action);
    const mediaType = str(raw?.target?.mediaType) ?? '';
    const repository = str(raw?.target?.repository);
    const digest = str(raw?.target?.digest);
    const tag = str(raw?.target?.tag);
    if (action !== 'push') ignored.push({ id, reason: `action ${action ?? '(none)'} is not a push` });
    else if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) ignored.push({ id, reason: `${mediaType || 'no media type'} is not a manifest` });
    else if (!repository || !digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) ignored.push({ id, reason: 'the event names no repository or digest' });
    else if (!tag) ignored.push({ id, reason: `push of ${repository}@${digest.slice(0, 19)} by digest names no tag` });
    else {
      const host = str(raw.request?.host);
      const timestamp = str(raw.timestamp);
      pushes.push({ id, repository, tag, digest, mediaType, actor: str(raw.actor?.name) ?? 'anonymous', ...(host ? { registryHost: host } : {}), ...(timestamp ? { timestamp } : {}) });
    }
  }
  return { pushes, ignored };
}
