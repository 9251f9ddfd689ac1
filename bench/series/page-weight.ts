/**
 * Series 5: page weight. The gzip size of the built page's JavaScript and CSS, what a visitor
 * downloads before the call can start. Weighs dist/web, or a fresh build when it is stale.
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
  /** The folder weighed, relative to the repository. */
  root: string;
  /** What opening the call page (index.html) loads: its scripts, preloads, styles, and their static imports. */
  js: AssetWeight;
  css: AssetWeight;
  /** Every asset of the build, lazy chunks and other pages (e.g. the inspector) included. */
  allJs: AssetWeight;
  allCss: AssetWeight;
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

/**
 * The assets the call page loads up front: what index.html names (script, modulepreload,
 * stylesheet) and, transitively, what those scripts import statically. Dynamic `import()`
 * chunks load later and are left out.
 */
function pageAssets(root: string): string[] {
  const html = readFileSync(path.join(root, 'index.html'), 'utf8');
  const pending = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:m?js|css))"/g)].map((match) => path.join(root, match[1]!));
  const found = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (found.has(file) || !existsSync(file)) continue;
    found.add(file);
    if (!file.endsWith('.css')) {
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/(?:from|import)\s*"(\.\.?\/[^"]+\.m?js)"/g)) pending.push(path.join(path.dirname(file), match[1]!));
    }
  }
  return [...found];
}

/** Newest modification time of any file under `folder` (0 when it does not exist). */
function newestChange(folder: string): number {
  if (!existsSync(folder)) return 0;
  return Math.max(0, ...filesUnder(folder).map((file) => statSync(file).mtimeMs));
}

/** A built page and whether this run built it. */
export interface BuiltPage {
  /** Folder holding index.html and the assets (serve it with WEB_ROOT). */
  root: string;
  built: boolean;
}

/**
 * Finds a build of the current web/ sources: dist/web when it is at least as new as every
 * source, else a fresh build into dist/bench-web. The bench never rebuilds dist/web itself,
 * since others may be serving it to their tests at that moment. Says why when there is no page.
 */
export function ensurePageBuilt(log: (line: string) => void): BuiltPage | PageWeightSkipped {
  const webRoot = path.join(repoRoot, 'web');
  if (!existsSync(path.join(webRoot, 'index.html'))) return { skipped: 'the page (web/index.html) does not exist yet' };
  const sourcesChanged = Math.max(newestChange(webRoot), statSync(path.join(repoRoot, 'vite.config.ts')).mtimeMs);
  const isFresh = (root: string): boolean => {
    const index = path.join(root, 'index.html');
    return existsSync(index) && statSync(index).mtimeMs >= sourcesChanged;
  };
  const shared = path.join(repoRoot, 'dist', 'web');
  if (isFresh(shared)) return { root: shared, built: false };
  const own = path.join(repoRoot, 'dist', 'bench-web');
  if (isFresh(own)) return { root: own, built: false };
  log('page: dist/web is missing or older than web/; building into dist/bench-web');
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', own, '--emptyOutDir'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 180_000,
    });
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error).replace(/\x1b\[[0-9;]*m/g, '');
    return { skipped: `vite build failed: ${output.replace(/\s+/g, ' ').trim().slice(0, 300)}` };
  }
  return { root: own, built: true };
}

/** Weighs the built page, building it first if needed. */
export function runPageWeight(log: (line: string) => void): PageWeightResult | PageWeightSkipped {
  const build = ensurePageBuilt(log);
  if ('skipped' in build) return build;
  const files = filesUnder(build.root);
  const loaded = pageAssets(build.root);
  const isJs = (file: string): boolean => /\.m?js$/.test(file);
  const isCss = (file: string): boolean => file.endsWith('.css');
  const result: PageWeightResult = {
    root: path.relative(repoRoot, build.root),
    js: weigh(loaded.filter(isJs)),
    css: weigh(loaded.filter(isCss)),
    allJs: weigh(files.filter(isJs)),
    allCss: weigh(files.filter(isCss)),
    built: build.built,
  };
  log(
    `page-weight: call page JS ${result.js.gzipBytes} B gzip (${result.js.files} files), CSS ${result.css.gzipBytes} B; ` +
      `whole build JS ${result.allJs.gzipBytes} B`,
  );
  return result;
}
