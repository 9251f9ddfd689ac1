import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { build } from 'vite';
import { buildApp, type AppOptions } from '../../server/app.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Where `vite build` puts the page and where the server serves it from by default. */
export const webRoot = join(repoRoot, 'dist/web');
/** Everything the built page is made of. */
const pageSources = ['web', 'machines', 'protocol', 'vite.config.ts'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** True when dist/web is missing or older than any of the page's sources. */
export function pageIsStale(): boolean {
  const index = join(webRoot, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return pageSources.some((source) => newestChange(join(repoRoot, source)) > built);
}

/**
 * Builds the page with the project's vite.config.ts unless dist/web is up to date: the
 * production build `npm run build` makes, which people get. Under vitest NODE_ENV is `test`,
 * and the Svelte plugin would compile the components in development mode (larger, slower,
 * and not what is served), into the dist/web that `npm start` and the bench use.
 */
export async function ensurePageBuilt(): Promise<void> {
  if (!pageIsStale()) return;
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: join(repoRoot, 'web'), configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'error', mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/** A running Parley server on a loopback ephemeral port. */
export interface RunningServer {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>`: the page's origin. */
  origin: string;
  close: () => Promise<void>;
}

/** Builds the page if needed and starts the real server in-process on 127.0.0.1, port 0. */
export async function startServer(options: AppOptions = {}): Promise<RunningServer> {
  await ensurePageBuilt();
  const app = await buildApp({ webRoot, ...options });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, origin: address, close: () => app.close() };
}
