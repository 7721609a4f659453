import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as tar from 'tar-stream';
import { applyWorkspaceArchive, packWorkspace } from '../../src/adapters/fs/workspaceArchive';
import { SlipwayError } from '../../src/core/errors';

// The workspace archive on the real file system: what a shipped build sends (.dockerignore with exceptions) and
// what it accepts back (nothing outside the workspace, even through a symlink; nothing deleted from a cut archive).

function entriesOf(stream: NodeJS.ReadableStream): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const names: string[] = [];
    const extract = tar.extract();
    extract.on('entry', (h, s, next) => {
      names.push(`${h.name} ${h.uid}:${h.gid}`);
      s.on('end', next);
      s.resume();
    });
    extract.on('finish', () => resolve(names));
    extract.on('error', reject);
    stream.pipe(extract);
  });
}

function archive(entries: { name: string; type?: 'file' | 'directory' | 'symlink'; content?: string; linkname?: string }[], cut = false): NodeJS.ReadableStream {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', mode: 0o755 });
    else if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname! });
    else pack.entry({ name: e.name, mode: 0o644 }, e.content ?? '');
  }
  pack.finalize();
  if (!cut) return pack;
  // The engine went away mid-stream: half the archive, then an error.
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  pack.on('end', () => {
    const all = Buffer.concat(chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength)));
    out.write(all.subarray(0, 1024));
    setImmediate(() => out.destroy(new Error('socket hang up')));
  });
  return out;
}

describe('workspace archive (what a shipped build sends and takes back)', () => {
  let dir: string;
  let outside: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-archive-'));
    outside = mkdtempSync(join(tmpdir(), 'slipway-outside-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('leaves out what .dockerignore excludes, keeps its exceptions, and gives every entry the builder user', async () => {
    writeFileSync(join(dir, '.dockerignore'), 'logs\n!logs/keep.txt\n*.tmp\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n');
    writeFileSync(join(dir, 'scratch.tmp'), 'x');
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'keep.txt'), 'k');
    writeFileSync(join(dir, 'logs', 'drop.txt'), 'd');
    symlinkSync('main.go', join(dir, 'link.go'));
    const packed = packWorkspace(dir, { prefix: '/src', uid: 1000, gid: 1001 });
    const [names, done] = await Promise.all([entriesOf(packed.stream), packed.done]);
    assert.deepEqual(names.sort(), ['src/ 1000:1001', 'src/.dockerignore 1000:1001', 'src/link.go 1000:1001', 'src/logs/ 1000:1001', 'src/logs/keep.txt 1000:1001', 'src/main.go 1000:1001'].sort());
    assert.deepEqual([...done.files.keys()].sort(), ['.dockerignore', 'logs/keep.txt', 'main.go']);
    assert.equal(done.report.files, 3);
  });

  it('streams large files both ways (not held in memory), writes only what changed, and replaces a read-only file', async function () {
    this.timeout(30_000);
    const big = Buffer.alloc(20 * 1024 * 1024, 7);
    writeFileSync(join(dir, 'big.bin'), new Uint8Array(big));
    writeFileSync(join(dir, 'readonly.txt'), 'old', { mode: 0o444 });
    const packed = packWorkspace(dir, { prefix: 'src', uid: 0, gid: 0 });
    // Round trip: the shipped archive, with big.bin changed in its last byte and readonly.txt rewritten, comes back.
    const received: { header: tar.Headers; content: Buffer }[] = [];
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Uint8Array[] = [];
      stream.on('data', (c: Buffer) => chunks.push(new Uint8Array(c)));
      stream.on('end', () => {
        received.push({ header, content: Buffer.concat(chunks) });
        next();
      });
    });
    const [done] = await Promise.all([packed.done, new Promise<void>((resolve, reject) => (extract.on('finish', resolve), extract.on('error', reject), packed.stream.pipe(extract)))]);
    assert.ok(received.some((e) => e.header.name === 'src/big.bin' && e.content.length === big.length), 'big.bin was not shipped whole');
    const repacked = tar.pack();
    const applied = applyWorkspaceArchive(repacked, dir, { prefix: 'src', shipped: done.files, shippedAt: Date.now() });
    for (const { header, content } of received) {
      let body = content;
      if (header.name === 'src/big.bin') body[body.length - 1] = 8;
      if (header.name === 'src/readonly.txt') body = Buffer.from('new');
      await new Promise<void>((resolve, reject) => {
        const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
        if (header.type === 'directory') repacked.entry(header, cb);
        else repacked.entry({ ...header, size: body.length }, body, cb);
      });
    }
    repacked.finalize();
    const report = await applied;
    assert.equal(report.files, 2, JSON.stringify(report));
    const back = readFileSync(join(dir, 'big.bin'));
    assert.equal(back.length, big.length);
    assert.equal(back[back.length - 1], 8);
    assert.equal(readFileSync(join(dir, 'readonly.txt'), 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.slipway-')), [], 'temporary files were left');
  });

  it('writes nothing outside the workspace: not through a symlink the build made, not through ..', async () => {
    const report = await applyWorkspaceArchive(
      archive([
        { name: 'src/', type: 'directory' },
        { name: 'src/escape', type: 'symlink', linkname: outside },
        { name: 'src/escape/owned.txt', content: 'pwned' },
        { name: 'src/escape/deeper/owned.txt', content: 'pwned' },
        { name: 'src/../up.txt', content: 'pwned' },
        { name: 'src/ok/made.txt', content: 'fine' },
      ]),
      dir,
      { prefix: 'src', shipped: new Map(), shippedAt: Date.now() },
    );
    assert.equal(readFileSync(join(dir, 'ok', 'made.txt'), 'utf8'), 'fine');
    assert.ok(!existsSync(join(outside, 'owned.txt')), 'a file was written through the symlink');
    assert.ok(!existsSync(join(outside, 'deeper')), 'a folder was created through the symlink');
    assert.ok(!existsSync(join(dir, '..', 'up.txt')));
    assert.ok(report.files >= 1);
  });

  it('deletes nothing when the archive is cut short, and says the copy failed', async () => {
    writeFileSync(join(dir, 'kept.txt'), 'mine');
    const shipped = new Map([['kept.txt', { hash: 'x', size: 4, mtimeMs: 0 }]]);
    await assert.rejects(
      applyWorkspaceArchive(archive([{ name: 'src/other.txt', content: 'a'.repeat(4000) }], true), dir, { prefix: 'src', shipped, shippedAt: Date.now() }),
      (e) => SlipwayError.is(e, 'docker') && /Copying the build's results back failed/.test(e.message),
    );
    assert.equal(readFileSync(join(dir, 'kept.txt'), 'utf8'), 'mine');
  });
});
