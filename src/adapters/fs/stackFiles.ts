/** Stack files and the secret/config files they point at, read from the workspace. */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { SlipwayError } from '../../core/errors';
import { contentSha256 } from '../contentHash';
import type { StackFileText } from '../../core/stack/load';
import type { StackFilesPort } from '../../core/stack/ports';

export function workspaceStackFiles(workspaceDir: string): StackFilesPort {
  return {
    async read(paths) {
      return Promise.all(
        paths.map(async (p): Promise<StackFileText> => {
          const full = isAbsolute(p) ? p : join(workspaceDir, p);
          try {
            return { path: p, dir: dirname(full), text: await readFile(full, 'utf8') };
          } catch (e) {
            const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
            throw new SlipwayError('config', missing ? `The stack file ${p} does not exist (in ${workspaceDir})` : `Cannot read the stack file ${p}: ${(e as Error).message}`, {
              hint: 'Check deploy.files (or the cluster\'s stackFiles) in slipway.yml',
              remedies: [{ action: 'openConfig' }],
              cause: e,
              details: { file: p },
            });
          }
        }),
      );
    },
    async content(path) {
      try {
        const bytes = new Uint8Array(await readFile(path));
        return { bytes, sha256: contentSha256(bytes) };
      } catch (e) {
        throw new SlipwayError('config', `Cannot read ${path} for a secret or config of the stack: ${(e as Error).message}`, { cause: e, details: { file: path } });
      }
    },
  };
}
