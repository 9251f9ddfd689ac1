import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { TestClient } from '../support/test-client.ts';

const repository = fileURLToPath(new URL('../..', import.meta.url));

/** Every .js file under `folder`. */
function scripts(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('npm start', () => {
  it('runs the compiled server as the process that gets SIGTERM, which drains its clients', async () => {
    const npm = spawn('npm', ['start'], {
      cwd: repository,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk) => (output += String(chunk)));
    npm.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = once(npm, 'exit') as Promise<[number | null, string | null]>;
    let match: RegExpMatchArray | null = null;
    while (!(match = output.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)) && npm.exitCode === null) {
      await Promise.race([once(npm.stdout, 'data'), exited]);
    }
    expect(match, output).not.toBeNull();
    expect(output).not.toMatch(/tsx/);
    const client = await TestClient.ready(`ws://127.0.0.1:${match![1]}/ws`);
    client.send({ type: 'create' });
    await client.next('joined');
    npm.kill('SIGTERM');
    expect(await client.next('error')).toMatchObject({ code: 'shutting-down' });
    expect((await client.closed).code).toBe(closeCodes.serviceRestart);
    await exited;
    await expect(TestClient.connect(`ws://127.0.0.1:${match![1]}/ws`)).rejects.toThrow(/ECONNREFUSED/);
  }, 180_000);

  it('needs only production dependencies: the compiled server imports nothing else', () => {
    const manifest = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const allowed = new Set([...Object.keys(manifest.dependencies), ...builtinModules]);
    const imported = new Set<string>();
    for (const file of scripts(join(repository, 'dist/node'))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from ['"]([^'"]+)['"]/gm)) {
        if (!specifier!.startsWith('.')) imported.add(packageOf(specifier!.replace(/^node:/, '')));
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    expect([...imported].filter((name) => !allowed.has(name))).toEqual([]);
  });
});

describe('the build before start', () => {
  /** A checkout with the build script, dist/ built at `builtAt`, and no build tools installed. */
  function checkout(builtAt: Date): string {
    const root = mkdtempSync(join(tmpdir(), 'parley-checkout-'));
    const files = ['scripts/ensure-build.mjs', 'web/main.ts', 'machines/room-machine.ts', 'protocol/messages.ts', 'server/main.ts', 'dist/web/index.html', 'dist/node/server/main.js'];
    for (const file of files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      if (file.startsWith('scripts/')) copyFileSync(join(repository, file), join(root, file));
      else writeFileSync(join(root, file), '');
    }
    writeFileSync(join(root, 'package.json'), '{"type":"module"}');
    const before = new Date(builtAt.getTime() - 60_000);
    for (const file of files) utimesSync(join(root, file), file.startsWith('dist/') ? builtAt : before, file.startsWith('dist/') ? builtAt : before);
    return root;
  }

  /** Runs the checkout's ensure-build with plain Node (no test runner resolving modules for it). */
  async function ensureBuild(root: string): Promise<{ code: number | null; output: string }> {
    const script = `import(${JSON.stringify(pathToFileURL(join(root, 'scripts/ensure-build.mjs')).href)}).then((m) => m.ensureBuild())`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output };
  }

  it('leaves a built checkout alone, loading no build tool', async () => {
    expect(await ensureBuild(checkout(new Date()))).toEqual({ code: 0, output: '' });
  });

  it('notices a change in machines/ or protocol/, not only in web/', async () => {
    for (const changed of ['machines/room-machine.ts', 'protocol/messages.ts']) {
      const root = checkout(new Date(Date.now() - 120_000));
      utimesSync(join(root, changed), new Date(), new Date());
      const { code, output } = await ensureBuild(root);
      expect(code).not.toBe(0);
      expect(output).toMatch(/the call page in dist\/ is missing or older than its sources, and the build tools are not installed/);
    }
  });
});
