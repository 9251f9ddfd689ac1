import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, waitUntilConnected } from './person.ts';

const suite = useCallSuite();

/** Keeps every RTCPeerConnection the page makes in `window.peerConnections`, to look at them from the test. */
function watchPeerConnections(): void {
  const seen: RTCPeerConnection[] = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      seen.push(this);
    }
  };
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = seen;
}

/** The signaling state of each real RTCPeerConnection the page made, oldest first. */
function connectionStates(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.map((pc) => pc.signalingState));
}

describe('the real RTCPeerConnection after a call', () => {
  it('is closed on both sides once one person hangs up, and after a peer closes the tab', async () => {
    const alice = await suite.person({ init: watchPeerConnections });
    const link = await createRoom(alice);
    const bob = await suite.person({ url: link, init: watchPeerConnections });
    await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
    expect(await connectionStates(alice.page)).toEqual(['stable']);

    await bob.page.getByTestId('hang-up').click();
    await expect.poll(() => connectionStates(bob.page), patience).toEqual(['closed']);
    await expect.poll(() => connectionStates(alice.page), patience).toEqual(['closed']);

    const carol = await suite.person({ url: link, init: watchPeerConnections });
    await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(carol.page)]);
    expect(await connectionStates(alice.page)).toEqual(['closed', 'stable']);
    await carol.page.close({ runBeforeUnload: true });
    await expect.poll(() => connectionStates(alice.page), patience).toEqual(['closed', 'closed']);
  });
});
