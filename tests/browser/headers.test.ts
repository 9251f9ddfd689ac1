import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';

const suite = useCallSuite();

describe('security headers in Chromium', () => {
  it('serve the page under a strict Content-Security-Policy, and two people still make a call', async () => {
    const a = await suite.person();
    const headers = await a.page.evaluate(async () => Object.fromEntries((await fetch('/')).headers.entries()));
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['permissions-policy']).toContain('camera=(self)');

    const link = await createRoom(a);
    const b = await suite.person({ url: link });
    await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);
    await Promise.all([waitForMovingRemoteVideo(a.page), waitForMovingRemoteVideo(b.page)]);
    // A blocked script, style, socket or device shows as a console error ("Refused to ...").
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
