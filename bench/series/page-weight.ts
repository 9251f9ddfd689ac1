/**
 * Series 5: page weight. The gzip size of the built page's JavaScript and CSS, what a visitor
 * downloads before the call can start. Builds dist/web with Vite when it is missing.
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

/** Weighs dist/web, building it first if needed. */
export function runPageWeight(log: (line: string) => void): PageWeightResult | PageWeightSkipped {
  const distWeb = path.join(repoRoot, 'dist', 'web');
  let built = false;
  if (!existsSync(path.join(distWeb, 'index.html'))) {
    if (!existsSync(path.join(repoRoot, 'web', 'index.html'))) return { skipped: 'the page (web/index.html) does not exist yet' };
    log('page-weight: dist/web missing, running npx vite build');
    try {
      execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
    } catch (error) {
      return { skipped: `vite build failed: ${String((error as { stderr?: Buffer }).stderr ?? error).slice(0, 500)}` };
    }
    built = true;
  }
  const files = filesUnder(distWeb);
  const result: PageWeightResult = {
    js: weigh(files.filter((file) => /\.m?js$/.test(file))),
    css: weigh(files.filter((file) => file.endsWith('.css'))),
    built,
  };
  log(`page-weight: JS ${result.js.gzipBytes} B gzip (${result.js.files} files), CSS ${result.css.gzipBytes} B gzip`);
  return result;
}
