import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SlipwayError } from '../core/errors';
import type { SlipwayConfig } from '../core/config/model';
import { parseSlipwayConfig } from '../core/config/parse';

export const CONFIG_FILE = 'slipway.yml';

/** Reads and validates `<workspaceDir>/slipway.yml`. */
export async function loadSlipwayConfig(workspaceDir: string): Promise<SlipwayConfig> {
  const path = join(workspaceDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SlipwayError('config', code === 'ENOENT' ? `No ${CONFIG_FILE} in ${workspaceDir}` : `Cannot read ${path}: ${(e as Error).message}`, {
      hint: code === 'ENOENT' ? `Create ${CONFIG_FILE} (see the README's "slipway.yml" section), or run from the service's folder (-C DIR)` : undefined,
      cause: e,
      details: { file: path },
    });
  }
  return parseSlipwayConfig(text, { file: path, baseDir: workspaceDir });
}
