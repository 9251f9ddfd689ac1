/**
 * Code comments point only at files that are in the repository: every file path named in a
 * comment under machines/ protocol/ server/ web/ scripts/ tests/ bench/ must exist, relative to the
 * repository (or to the commenting file when it starts with ./ or ../). A bare file name must
 * name some file of the repository. Installed packages (node_modules/) count as there when
 * they are, and what .gitignore names (built output, bench results) as made on the way.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scanned = ['machines', 'protocol', 'server', 'web', 'scripts', 'tests', 'bench'];
const sourceFile = /\.(ts|mts|mjs|js|svelte|sh)$/;
const skipped = new Set(['node_modules', 'dist', 'profiles']);

/** A path with a known file extension, not part of a URL or a longer word. */
const pathPattern = /(?<![\w:/.@-])(?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w-][\w.-]*\.(?:ts|mts|mjs|js|svelte|md|json|html|css|sh|yml|yaml|txt)(?![\w/-])/g;

function filesUnder(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The text of every comment in `source`: line and block comments, and HTML comments in .svelte. */
function commentsOf(source: string): string[] {
  const comments: string[] = [];
  for (const match of source.matchAll(/\/\*[\s\S]*?\*\/|<!--[\s\S]*?-->|(?<![:'"`\\])\/\/[^\n]*|^\s*#[^!\n][^\n]*/gm)) comments.push(match[0]);
  return comments;
}

const repositoryFiles = [...scanned, 'docs', '.ci'].filter((folder) => existsSync(join(root, folder))).flatMap(filesUnder);
const topFiles = readdirSync(root).filter((name) => !skipped.has(name));
const basenames = new Set([...repositoryFiles.map((file) => basename(file)), ...topFiles]);

/** What the repository makes and ignores (dist/, bench/results.json): named in comments, never committed. */
const ignored = readFileSync(join(root, '.gitignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim().replace(/\/$/, ''))
  .filter((line) => line !== '' && !line.startsWith('#') && !line.includes('*'));

/** Whether `path`, as written in a comment of `file`, names something that is there. */
function resolves(path: string, file: string): boolean {
  if (ignored.some((entry) => path === entry || path.startsWith(`${entry}/`))) return true;
  if (path.startsWith('./') || path.startsWith('../')) return existsSync(join(root, dirname(file), path));
  if (!path.includes('/')) return basenames.has(path);
  return existsSync(join(root, path)) || existsSync(join(root, dirname(file), path));
}

describe('code comments', () => {
  it('name only files that are in the repository', () => {
    const missing: string[] = [];
    let named = 0;
    for (const file of scanned.flatMap(filesUnder).filter((path) => sourceFile.test(path))) {
      for (const comment of commentsOf(readFileSync(join(root, file), 'utf8'))) {
        for (const [path] of comment.matchAll(pathPattern)) {
          named++;
          if (!resolves(path, file)) missing.push(`${relative(root, join(root, file))}: ${path}`);
        }
      }
    }
    expect(named).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});
