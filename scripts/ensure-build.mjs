/**
 * Run by `npm start` before the server: builds the call page with Vite when dist/web is
 * missing or older than any file under web/, so a fresh clone starts with a working page and
 * a running server is never served a stale one. Without web/ there is nothing to build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = join(root, 'web');
const built = join(root, 'dist', 'web', 'index.html');

/** The newest modification time of any file under `folder`. */
function newest(folder) {
  let latest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const time = entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

if (existsSync(sources) && (!existsSync(built) || statSync(built).mtimeMs < newest(sources))) {
  console.log('Building the call page (vite build)…');
  // vite.config.ts names its root and output relative to the repository.
  process.chdir(root);
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
