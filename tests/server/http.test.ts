import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

/** A built page in a temporary folder, as `vite build` leaves it. */
function builtPage(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title><div id="app">call page</div>');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'main.js'), 'console.log("page");');
  return root;
}

describe('HTTP: health', () => {
  it('answers /healthz with 200 and live counts', async () => {
    const server = await startServer();
    const empty = await fetch(`${server.origin}/healthz`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ status: 'ok', rooms: 0, connections: 0, members: 0 });
    const alice = await server.create();
    await server.join(alice.joined.roomId);
    expect(await (await fetch(`${server.origin}/healthz`)).json()).toEqual({ status: 'ok', rooms: 1, connections: 2, members: 2 });
  });
});

describe('HTTP: the call page', () => {
  it('serves the built page at /, its assets, and index.html for room links', async () => {
    const server = await startServer({ webRoot: builtPage() });
    const home = await fetch(`${server.origin}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(await home.text()).toContain('call page');
    expect(await (await fetch(`${server.origin}/assets/main.js`)).text()).toContain('page');
    const link = await fetch(`${server.origin}/r/4b1f0a6e-8d0c-4f6e-9a51-2c9f1e7d3b10`);
    expect(link.status).toBe(200);
    expect(await link.text()).toContain('call page');
  });

  it('answers 404 for a missing file rather than the page', async () => {
    const server = await startServer({ webRoot: builtPage() });
    expect((await fetch(`${server.origin}/assets/missing.js`)).status).toBe(404);
  });

  it('serves a placeholder page when the page is not built', async () => {
    const server = await startServer({ webRoot: join(tmpdir(), 'parley-no-such-build') });
    for (const path of ['/', '/r/4b1f0a6e-8d0c-4f6e-9a51-2c9f1e7d3b10']) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('npm run build');
    }
  });

  it('serves a page at / with the default settings', async () => {
    const server = await startServer();
    const response = await fetch(`${server.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });
});
