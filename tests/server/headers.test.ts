import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

/** A built page with the inspector page beside it, as `vite build` leaves them. */
function builtPage(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title>');
  writeFileSync(join(root, 'inspector.html'), '<!doctype html><title>Inspector</title>');
  return root;
}

describe('HTTP: security headers', () => {
  it('put the page and the inspector under a CSP with no inline script, no framing and no Referer', async () => {
    const server = await startServer({ webRoot: builtPage() });
    for (const path of ['/', '/inspector.html', '/r/4b1f0a6e-8d0c-4f6e-9a51-2c9f1e7d3b10']) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      // Scripts from the page's origin only; WebAssembly may be compiled (background blur), nothing else evaluated.
      expect(csp).toMatch(/(^|;)script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ws://${server.origin.slice('http://'.length)}`);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('permissions-policy')).toMatch(/camera=\(self\), microphone=\(self\), display-capture=\(self\)/);
      expect(response.headers.get('strict-transport-security')).toBeNull();
      // An opener policy would start a second renderer for every room link opened in a new tab.
      expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    }
  });
});
