/**
 * Brings dist/ up to date before `npm start` runs the server: the call page (dist/web, built
 * by Vite from web/, machines/ and protocol/) and the compiled server (dist/node, built by tsc
 * from server/, machines/ and protocol/). A fresh clone thus starts with a working page and a
 * running server is never older than its sources. On a built checkout installed with
 * `npm ci --omit=dev` nothing is stale, and the build tools are never loaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The newest modification time of file `path`, or of any file under folder `path` (0: none). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** What dist/ holds, what each part is made of, and how to rebuild it. */
const outputs = [
  {
    name: 'the call page',
    output: 'dist/web/index.html',
    sources: ['web', 'machines', 'protocol', 'vite.config.ts'],
    async build() {
      const { build } = await import('vite');
      // vite.config.ts names its root and output relative to the repository.
      process.chdir(root);
      // The production build, whatever NODE_ENV the shell or a test runner set: with `test` or
      // `development` the Svelte plugin compiles the components in development mode (about
      // 8 KB more gzip up front, and slower), into the dist/web the server then serves.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
      } finally {
        if (nodeEnv === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = nodeEnv;
      }
    },
  },
  {
    name: 'the server',
    output: 'dist/node/server/main.js',
    sources: ['server', 'machines', 'protocol', 'tsconfig.server.json', 'tsconfig.json'],
    async build() {
      const tsc = require.resolve('typescript/bin/tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.server.json')], { stdio: 'inherit' });
      if (result.status !== 0) throw new Error('tsc -p tsconfig.server.json failed');
    },
  },
];

/**
 * Rebuilds every part of dist/ that is missing or older than its sources. Throws with one
 * line to act on when a rebuild is needed but the development dependencies are not installed.
 */
export async function ensureBuild() {
  for (const { name, output, sources, build } of outputs) {
    const built = newest(join(root, output));
    if (built > 0 && sources.every((source) => newest(join(root, source)) <= built)) continue;
    console.log(`Building ${name}…`);
    try {
      await build();
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' && error?.code !== 'MODULE_NOT_FOUND') throw error;
      throw new Error(`${name} in dist/ is missing or older than its sources, and the build tools are not installed: run \`npm ci && npm run build\`.`);
    }
  }
}
