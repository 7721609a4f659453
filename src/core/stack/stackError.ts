import { SlipwayError } from '../errors';
import type { Position } from './model';

/** An error in a stack file at `file:line:col`, naming the key; the editor offers to open the file there. */
export function stackError(pos: Position, what: string, details: Record<string, unknown> = {}): SlipwayError {
  return new SlipwayError('config', `${pos.file}:${pos.line}:${pos.col}: ${what}`, {
    hint: `Fix ${pos.file} (stack files use the format of \`docker stack deploy\`, compose 3.x)`,
    remedies: [{ action: 'openConfig', file: pos.file, line: pos.line }],
    details: { file: pos.file, line: pos.line, column: pos.col, ...details },
  });
}
