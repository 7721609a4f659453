/**
 * The workspace as a tar archive for an engine that cannot see it (a build on a cluster engine), and the builder's
 * workdir archive applied back onto the workspace. What is shipped honours `.dockerignore` (or the patterns slipway.yml
 * gives); what comes back is what the build created, changed or deleted, never `.git`, never outside the workspace.
 */
import dockerignore from '@balena/dockerignore';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, realpath, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
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

/** Streams a large file into the archive while hashing it (its size must not change meanwhile: tar fixes it up front). */
function streamEntry(pack: tar.Pack, header: tar.Headers, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha1');
    const sink = pack.entry(header, (err) => (err ? reject(new Error(`${file} changed while it was shipped (${err.message})`)) : resolve(hash.digest('hex'))));
    const source = createReadStream(file);
    source.on('data', (c: Buffer | string) => hash.update(bytesOf(typeof c === 'string' ? Buffer.from(c) : c)));
    source.on('error', reject);
    source.pipe(sink);
  });
}

/** The bytes of a Buffer as the plain Uint8Array that hashing and writing are typed for (a view, not a copy). */
function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function sha1(content: Buffer): string {
  return createHash('sha1').update(bytesOf(content)).digest('hex');
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
    // builder's user owns it (the engine would create a missing parent as root). `pending` holds those folders'
    // entries, outermost first, until something inside them is shipped.
    const pending: tar.Headers[] = [];
    const emitPending = async (): Promise<void> => {
      for (const header of pending.splice(0)) await addEntry(pack, header);
    };
    const walk = async (rel: string): Promise<void> => {
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
            await walk(path);
          } else {
            pending.push(header);
            await walk(path);
            // Nothing inside was shipped: the folder is left out after all.
            if (pending.at(-1) === header) pending.pop();
          }
          continue;
        }
        if (ignored) continue;
        if (stat.isSymbolicLink()) {
          await emitPending();
          await addEntry(pack, { name: at(path), type: 'symlink', linkname: await readlink(full), mode: 0o777, mtime: stat.mtime, ...owner });
        } else if (stat.isFile()) {
          await emitPending();
          const header: tar.Headers = { name: at(path), type: 'file', size: stat.size, mode: stat.mode & 0o7777, mtime: stat.mtime, ...owner };
          if (stat.size > IN_MEMORY_MAX) {
            files.set(path, { hash: await streamEntry(pack, header, full), size: stat.size, mtimeMs: stat.mtimeMs });
          } else {
            const content = await readFile(full);
            files.set(path, { hash: sha1(content), size: content.length, mtimeMs: stat.mtimeMs });
            await addEntry(pack, { ...header, size: content.length }, content);
          }
          bytes += stat.size;
        }
        // Sockets, FIFOs and devices have no place in a build context: left out, as docker build leaves them.
      }
    };
    await walk('');
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

/** Files above this size are streamed, not held in memory (both ways). */
const IN_MEMORY_MAX = 8 * 1024 * 1024;

function drain(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
    stream.resume();
  });
}

/** A temporary name in the same folder, so the final rename is atomic and replaces even a read-only file. */
function tempBeside(full: string): string {
  return join(dirname(full), `.${basename(full)}.slipway-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

async function putInPlace(temp: string, full: string, local: { isFile: boolean } | undefined, header: tar.Headers): Promise<void> {
  if (local && !local.isFile) await rm(full, { recursive: true, force: true });
  if (header.mtime) await utimes(temp, header.mtime, header.mtime);
  await rename(temp, full);
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    stream.on('data', (c: Buffer) => chunks.push(bytesOf(c)));
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
    const isFile = header.type === 'file' || header.type === 'contiguous-file';
    if (path === undefined || path === '' || isProtectedPath(path) || !isArtifact(path, options.artifacts)) return void (await drain(stream));
    seen.add(path);
    const full = join(root, path);
    if (header.type === 'directory') {
      if (await safeParent(path)) await mkdir(full, { recursive: true, mode: (header.mode ?? 0o755) & 0o777 });
      return;
    }
    const local = await localStat(full);
    if (isFile && (header.size ?? 0) > IN_MEMORY_MAX) return receiveLargeFile(path, full, local, header, stream);
    const content = isFile ? await readAll(stream) : (await drain(stream), undefined);
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
    const temp = tempBeside(full);
    await writeFile(temp, bytesOf(content), { mode: (header.mode ?? 0o644) & 0o777 });
    await putInPlace(temp, full, local, header);
    files++;
    bytes += content.length;
  };

  /** A file too large to hold in memory: streamed to a temporary file beside its place while hashed, then decided. */
  const receiveLargeFile = async (path: string, full: string, local: Awaited<ReturnType<typeof localStat>>, header: tar.Headers, stream: NodeJS.ReadableStream): Promise<void> => {
    if (!(await safeParent(path))) return void (await drain(stream));
    const temp = tempBeside(full);
    const hash = createHash('sha1');
    let size = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const out = createWriteStream(temp, { mode: (header.mode ?? 0o644) & 0o777 });
        stream.on('data', (c: Buffer) => {
          hash.update(bytesOf(c));
          size += c.length;
        });
        stream.on('error', reject);
        out.on('error', reject);
        out.on('finish', resolve);
        stream.pipe(out);
      });
      const decision = copyBackDecision(hash.digest('hex'), options.shipped.get(path), local, options.shippedAt);
      if (decision === 'keepLocal') keptLocal.push(path);
      if (decision !== 'write') return;
      await putInPlace(temp, full, local, header);
      files++;
      bytes += size;
    } finally {
      await rm(temp, { force: true });
    }
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
