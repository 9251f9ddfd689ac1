import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the seat key comes from: the operator's `SECRET`, a key file in `DATA_DIR`, or neither. */
export interface SeatKeySource {
  secret: string | undefined;
  dataDir: string | undefined;
}

/** Name of the generated key file inside the data directory. */
export const seatKeyFile = 'seat-key';

/**
 * The key that signs resume tokens, the same in every process of a deployment:
 * - from `SECRET` when set (every instance of a deployment shares it);
 * - else read from `<dataDir>/seat-key`, generated there once (256 random bits, mode 0600),
 *   so a restarted server on the same machine honours the tokens it issued before;
 * - else a key of this process only (tests): seats then end with the process, as rooms do.
 * Creating the file is atomic (written aside, then hard-linked into place), so two servers
 * starting at once end up with the same key.
 */
export function loadSeatKey(source: SeatKeySource): Buffer {
  if (source.secret !== undefined) return createHash('sha256').update(`parley seat key\0${source.secret}`).digest();
  if (source.dataDir === undefined) return randomBytes(32);
  mkdirSync(source.dataDir, { recursive: true, mode: 0o700 });
  const path = join(source.dataDir, seatKeyFile);
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
  if (key.length < 32) throw new Error(`${path} holds no usable seat key; delete it to make a new one`);
  return key;
}
