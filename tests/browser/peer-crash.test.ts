import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { handshakeStates, patience, waitForMovingRemoteVideo } from './person.ts';

const suite = useCallSuite();

describe('a call when the other person\'s browser tab crashes', () => {
  it('stops showing their picture as live within seconds, then shows them gone from the call', async () => {
    const { alice, bob } = await suite.call();
    await waitForMovingRemoteVideo(alice.page);
    // How Alice sees Bob's picture: live, dimmed under a caption (not connected), or gone with his tile.
    const picture = () =>
      alice.page.evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-tile"] [data-testid="remote-video"]');
        if (video === null) return 'gone';
        return Number(getComputedStyle(video).opacity) < 1 && document.querySelector('[data-testid="remote-tile"] .caption') !== null ? 'dimmed' : 'live';
      });
    expect(await picture()).toBe('live');

    // The renderer process dies: no hang-up, no close of anything by the page itself.
    await bob.page.goto('chrome://crash').catch(() => {});

    // Alice's page notices (the socket's end, or ICE consent) and stops showing the picture as live.
    await expect.poll(picture, patience).not.toBe('live');
    // Bob is gone from the call: told by the server at once, or after his seat's grace period.
    await expect.poll(async () => Object.values(await handshakeStates(alice.page)).filter((state) => state !== 'closed'), { timeout: 60_000 }).toEqual([]);
    expect(alice.errors).toEqual([]);
  }, 120_000);
});
