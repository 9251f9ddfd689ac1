/**
 * Series 5: page weight. The gzip size of the built page's JavaScript and CSS, what a visitor
 * downloads before the call can start. Builds dist/web with Vite when it is missing or stale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../proc.ts';

/** Bytes of one kind of asset, raw and gzipped. */
export interface AssetWeight {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

export interface PageWeightResult {
  js: AssetWeight;
  css: AssetWeight;
  built: boolean;
}

/** The outcome when there is no page to weigh. */
export interface PageWeightSkipped {
  skipped: string;
}

/**
 * gzip level 6, zlib's default: what compression middleware and most CDNs send by default
 * (level 9 would flatter the page by a percent or two).
 */
const gzipLevel = 6;

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function weigh(files: string[]): AssetWeight {
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(file);
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: gzipLevel }).length;
  }
  return { files: files.length, rawBytes, gzipBytes };
}

/** Newest modification time of any file under `folder` (0 when it does not exist). */
function newestChange(folder: string): number {
  if (!existsSync(folder)) return 0;
  return Math.max(0, ...filesUnder(folder).map((file) => statSync(file).mtimeMs));
}

/**
 * Makes sure dist/web holds a build of the current web/ sources: builds with Vite when the
 * build is missing or older than a source file. Returns why not when there is no page.
 */
export function ensurePageBuilt(log: (line: string) => void): { built: boolean } | PageWeightSkipped {
  const distIndex = path.join(repoRoot, 'dist', 'web', 'index.html');
  const webRoot = path.join(repoRoot, 'web');
  if (!existsSync(path.join(webRoot, 'index.html'))) return { skipped: 'the page (web/index.html) does not exist yet' };
  if (existsSync(distIndex) && statSync(distIndex).mtimeMs >= newestChange(webRoot)) return { built: false };
  log('page: dist/web missing or older than web/, running npx vite build');
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error).replace(/\x1b\[[0-9;]*m/g, '');
    return { skipped: `vite build failed: ${output.replace(/\s+/g, ' ').trim().slice(0, 300)}` };
  }
  return { built: true };
}

/** Weighs dist/web, building it first if needed. */
export function runPageWeight(log: (line: string) => void): PageWeightResult | PageWeightSkipped {
  const build = ensurePageBuilt(log);
  if ('skipped' in build) return build;
  const files = filesUnder(path.join(repoRoot, 'dist', 'web'));
  const result: PageWeightResult = {
    js: weigh(files.filter((file) => /\.m?js$/.test(file))),
    css: weigh(files.filter((file) => file.endsWith('.css'))),
    built: build.built,
  };
  log(`page-weight: JS ${result.js.gzipBytes} B gzip (${result.js.files} files), CSS ${result.css.gzipBytes} B gzip`);
  return result;
}
