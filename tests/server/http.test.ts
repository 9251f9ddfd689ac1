import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pausableClient, startServer } from './helpers.ts';

/** A built page in a temporary folder, as `vite build` leaves it. */
function builtPage(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title><div id="app">call page</div>');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'main.js'), 'console.log("page");');
  // The build's Brotli copy; its text differs so the test can tell which file was sent.
  writeFileSync(join(root, 'assets', 'main.js.br'), brotliCompressSync('console.log("page, from the Brotli copy");'));
  return root;
}

describe('HTTP: health', () => {
  it('answers /healthz and /readyz with 200 and no usage counts', async () => {
    const server = await startServer();
    const alice = await server.create();
    await server.join(alice.joined.roomId);
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('says not ready while shutting down, as sockets drain', async () => {
    const server = await startServer({ shutdownTimeoutMs: 10_000 });
    const stalled = await pausableClient(server.url);
    stalled.raw.pause();
    const closing = server.close();
    const ready = await fetch(`${server.origin}/readyz`).catch(() => undefined);
    expect(ready === undefined || ready.status === 503).toBe(true);
    stalled.client.socket.terminate();
    await closing;
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

  it('sends the Brotli copy to a browser that accepts it, and lets browsers keep hashed assets', async () => {
    const server = await startServer({ webRoot: builtPage() });
    const compressed = await fetch(`${server.origin}/assets/main.js`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(compressed.headers.get('content-encoding')).toBe('br');
    expect(await compressed.text()).toContain('from the Brotli copy');
    expect(compressed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(compressed.headers.get('vary')).toMatch(/accept-encoding/i);
    const plain = await fetch(`${server.origin}/assets/main.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe('console.log("page");');
    for (const path of ['/', '/r/4b1f0a6e-8d0c-4f6e-9a51-2c9f1e7d3b10']) {
      expect((await fetch(`${server.origin}${path}`)).headers.get('cache-control')).toBe('no-cache');
    }
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
