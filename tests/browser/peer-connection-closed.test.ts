import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { patience, signalingStates, waitUntilConnected, watchPeerConnections } from './person.ts';

const suite = useCallSuite();

describe('the real RTCPeerConnection after a call', () => {
  it('is closed on both sides once one person hangs up, and after a peer closes the tab', async () => {
    const { alice, bob, link } = await suite.call({ alice: { init: watchPeerConnections }, bob: { init: watchPeerConnections } });
    expect(await signalingStates(alice.page)).toEqual(['stable']);

    await bob.page.getByTestId('hang-up').click();
    await expect.poll(() => signalingStates(bob.page), patience).toEqual(['closed']);
    await expect.poll(() => signalingStates(alice.page), patience).toEqual(['closed']);

    const carol = await suite.person({ url: link, init: watchPeerConnections });
    await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(carol.page)]);
    expect(await signalingStates(alice.page)).toEqual(['closed', 'stable']);
    await carol.page.close({ runBeforeUnload: true });
    await expect.poll(() => signalingStates(alice.page), patience).toEqual(['closed', 'closed']);
  });
});
