/**
 * The workspace as a tar archive for an engine that cannot see it (a build on a cluster engine), and the builder's
 * workdir archive applied back onto the workspace. What is shipped honours `.dockerignore` (or the patterns slipway.yml
 * gives); what comes back is what the build created, changed or deleted, never `.git`, never outside the workspace.
 */
import dockerignore from '@balena/dockerignore';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, readlink, realpath, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import {
  changedHere,
  copyBackDecision,
  deleteDecision,
  isArtifact,
  isProtectedPath,
  normalRelativePath,
  type ShippedFile,
  type TransferReport,
} from '../../core/build/shipping';
import { SlipwayError } from '../../core/errors';

export interface PackOptions {
  /** Patterns to leave out; undefined: the workspace's `.dockerignore` (none: nothing is left out). */
  readonly ignore?: readonly string[];
  /** Archive path of the workspace's root, e.g. `src` for a workdir `/src` extracted at `/`. */
  readonly prefix: string;
  /** Owner of every entry in the container (the builder's user), so the build can write its workspace. */
  readonly uid: number;
  readonly gid: number;
}

export interface PackedWorkspace {
  /** The archive, streamed as the walk goes. */
  readonly stream: Readable;
  /** Resolves once the archive is complete: every shipped file with its hash, and the totals. */
  readonly done: Promise<{ files: Map<string, ShippedFile>; report: TransferReport }>;
}

async function ignorePatterns(dir: string, configured: readonly string[] | undefined): Promise<string[]> {
  if (configured) return [...configured];
  try {
    return (await readFile(join(dir, '.dockerignore'), 'utf8')).split(/\r?\n/);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

function addEntry(pack: tar.Pack, header: tar.Headers, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (content) pack.entry(header, content, done);
    else pack.entry(header, done);
  });
}

function sha1(content: Buffer): string {
  return createHash('sha1').update(new Uint8Array(content.buffer, content.byteOffset, content.byteLength)).digest('hex');
}

/**
 * Streams `dir` as a tar rooted at `prefix`. Directories the patterns exclude are not walked, unless an exception
 * (`!pattern`) could bring something inside them back, as docker's own context walk does.
 */
export function packWorkspace(dir: string, options: PackOptions): PackedWorkspace {
  const pack = tar.pack();
  const files = new Map<string, ShippedFile>();
  let bytes = 0;
  const owner = { uid: options.uid, gid: options.gid };
  const prefix = normalRelativePath(options.prefix) ?? '';
  const at = (rel: string): string => (prefix ? (rel ? `${prefix}/${rel}` : prefix) : rel);

  const done = (async () => {
    const patterns = await ignorePatterns(dir, options.ignore);
    const ig = dockerignore({ ignorecase: false }).add(patterns);
    const hasExceptions = patterns.some((p) => p.trim().startsWith('!'));
    const rootStat = await lstat(dir);
    if (prefix) await addEntry(pack, { name: `${at('')}/`, type: 'directory', mode: rootStat.mode & 0o7777, mtime: rootStat.mtime, ...owner });

    // An excluded folder walked for its exceptions gets its entry only once something inside it is shipped, so the
    // builder's user owns it (the engine would create a missing parent as root).
    const walk = async (rel: string, pending: tar.Headers[]): Promise<void> => {
      const emitPending = async (): Promise<void> => {
        for (const header of pending.splice(0)) await addEntry(pack, header);
      };
      const entries = (await readdir(rel ? join(dir, rel) : dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const entry of entries) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        const full = join(dir, path);
        const ignored = ig.ignores(path);
        const stat = await lstat(full);
        if (stat.isDirectory()) {
          if (ignored && !hasExceptions) continue;
          const header: tar.Headers = { name: `${at(path)}/`, type: 'directory', mode: stat.mode & 0o7777, mtime: stat.mtime, ...owner };
          if (!ignored) {
            await emitPending();
            await addEntry(pack, header);
            await walk(path, []);
          } else {
            const inner = [...pending, header];
            await walk(path, inner);
            // What the walk inside emitted is gone from `inner`; the parents it needed are then emitted too.
            if (inner.length < pending.length + 1) pending.splice(0);
          }
          continue;
        }
        if (ignored) continue;
        if (stat.isSymbolicLink()) {
          await emitPending();
          await addEntry(pack, { name: at(path), type: 'symlink', linkname: await readlink(full), mode: 0o777, mtime: stat.mtime, ...owner });
        } else if (stat.isFile()) {
          await emitPending();
          const content = await readFile(full);
          files.set(path, { hash: sha1(content), size: content.length, mtimeMs: stat.mtimeMs });
          bytes += content.length;
          await addEntry(pack, { name: at(path), type: 'file', size: content.length, mode: stat.mode & 0o7777, mtime: stat.mtime, ...owner }, content);
        }
        // Sockets, FIFOs and devices have no place in a build context: left out, as docker build leaves them.
      }
    };
    await walk('', []);
    pack.finalize();
    return { files, report: { files: files.size, bytes } };
  })();
  done.catch((e: unknown) => pack.destroy(e as Error));
  return { stream: pack, done };
}

export interface ApplyOptions {
  /** Archive path of the workspace's root (`docker cp`-style archives of `/src` hold `src/...`). */
  readonly prefix: string;
  readonly shipped: ReadonlyMap<string, ShippedFile>;
  /** When the shipment started: files changed here after it are the user's and are kept. */
  readonly shippedAt: number;
  readonly artifacts?: readonly string[];
}

async function localStat(path: string): Promise<{ mtimeMs: number; isFile: boolean; isLink: boolean } | undefined> {
  try {
    const s = await lstat(path);
    return { mtimeMs: s.mtimeMs, isFile: s.isFile(), isLink: s.isSymbolicLink() };
  } catch {
    return undefined;
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    stream.on('data', (c: Buffer) => chunks.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Applies the builder's workdir archive to `dir`: files the build created or changed are written (mode and mtime
 * kept), shipped files it deleted are deleted, files the user changed meanwhile are kept. Deletions happen only once
 * the whole archive has been read, so an archive cut short deletes nothing.
 */
export async function applyWorkspaceArchive(archive: NodeJS.ReadableStream, dir: string, options: ApplyOptions): Promise<TransferReport> {
  // Listen at once: the stream can fail while the workspace's real path is looked up.
  let failed: Error | undefined;
  archive.on('error', (e: Error) => (failed ??= e));
  const root = await realpath(dir);
  const prefix = normalRelativePath(options.prefix) ?? '';
  const seen = new Set<string>();
  const keptLocal: string[] = [];
  let files = 0;
  let bytes = 0;

  /** The parent directory, created if missing, and only if it really lies inside the workspace (no symlink escape). */
  const inside = (real: string): boolean => real === root || real.startsWith(root + sep);
  const safeParent = async (path: string): Promise<boolean> => {
    const parent = dirname(join(root, path));
    let existing = parent;
    for (;;) {
      try {
        if (!inside(await realpath(existing))) return false;
        break;
      } catch {
        existing = dirname(existing);
      }
    }
    if (existing !== parent) await mkdir(parent, { recursive: true });
    return inside(await realpath(parent));
  };

  const handle = async (header: tar.Headers, stream: NodeJS.ReadableStream): Promise<void> => {
    const name = normalRelativePath(header.name);
    let path: string | undefined;
    if (name !== undefined && (name === prefix || name.startsWith(`${prefix}/`) || prefix === '')) {
      path = prefix === '' ? name : name.slice(prefix.length + 1);
    }
    const content = header.type === 'file' || header.type === 'contiguous-file' ? await readAll(stream) : (stream.resume(), undefined);
    if (path === undefined || path === '' || isProtectedPath(path) || !isArtifact(path, options.artifacts)) return;
    seen.add(path);
    const full = join(root, path);
    if (header.type === 'directory') {
      if (await safeParent(path)) await mkdir(full, { recursive: true, mode: (header.mode ?? 0o755) & 0o777 });
      return;
    }
    const local = await localStat(full);
    if (header.type === 'symlink' && typeof header.linkname === 'string') {
      const same = local?.isLink && (await readlink(full)) === header.linkname;
      if (same || !(await safeParent(path))) return;
      if (local && changedHere(local, options.shipped.get(path), options.shippedAt)) return void keptLocal.push(path);
      if (local) await rm(full, { recursive: true, force: true });
      await symlink(header.linkname, full);
      files++;
      return;
    }
    if (!content) return;
    const hash = sha1(content);
    const decision = copyBackDecision(hash, options.shipped.get(path), local, options.shippedAt);
    if (decision === 'unchanged') return;
    if (decision === 'keepLocal') return void keptLocal.push(path);
    if (!(await safeParent(path))) return;
    if (local && !local.isFile) await rm(full, { recursive: true, force: true });
    await writeFile(full, new Uint8Array(content.buffer, content.byteOffset, content.byteLength), { mode: (header.mode ?? 0o644) & 0o777 });
    if (header.mtime) await utimes(full, header.mtime, header.mtime);
    files++;
    bytes += content.length;
  };

  await new Promise<void>((resolve, reject) => {
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      handle(header, stream).then(() => next(), (e: unknown) => {
        extract.destroy(e as Error);
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    if (failed) return reject(failed);
    archive.on('error', (e: Error) => extract.destroy(e));
    archive.pipe(extract);
  }).catch((e: unknown) => {
    throw new SlipwayError('docker', `Copying the build's results back failed: ${(e as Error).message}`, {
      hint: 'The build ran; run it again to get its results (nothing was deleted here)',
      cause: e,
    });
  });

  const deleted: string[] = [];
  for (const path of options.shipped.keys()) {
    if (seen.has(path) || isProtectedPath(path) || !isArtifact(path, options.artifacts)) continue;
    const decision = deleteDecision(await localStat(join(root, path)), options.shipped.get(path)!, options.shippedAt);
    if (decision === 'keepLocal') keptLocal.push(path);
    if (decision !== 'delete') continue;
    await rm(join(root, path), { force: true });
    deleted.push(path);
  }
  return { files, bytes, ...(deleted.length ? { deleted } : {}), ...(keptLocal.length ? { keptLocal } : {}) };
}
