import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { audible, remoteLoudness } from './audio-probe.ts';
import { TestClient } from '../support/test-client.ts';
import { createRoom, enterCall, patience, shownError, waitForMovingRemoteVideo, waitUntilConnected, type Person } from './person.ts';

const suite = useCallSuite();

/** A name that would run script if the page ever put it into markup. */
const hostileName = '<img src=x onerror="window.__pwned=1">Dee';

/** Opens `link`, types `name` on the pre-join screen and enters. */
/** The names on a person's remote tiles, as their text. */
async function tileNames(opened: Person): Promise<string[]> {
  return (await opened.page.getByTestId('peer-name').allTextContents()).sort();
}

/** Counts getUserMedia calls in a page, from before its own scripts run. */
function countCameraRequests(): void {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  (window as unknown as { cameraRequests: number }).cameraRequests = 0;
  devices.getUserMedia = (constraints) => {
    (window as unknown as { cameraRequests: number }).cameraRequests += 1;
    return original(constraints);
  };
}

describe('a group call', () => {
  describe('happy path', () => {
    it('lets four people made from the lobby see who is there before entering, then see and hear the three others, names shown as text; a fifth is told it is full before any camera', { timeout: 240_000 }, async () => {
      const ana = await suite.person({ name: 'Ana' });
      const link = await createRoom(ana, 4);
      const everyone = [ana];
      // One at a time, as people arrive: each newcomer connects to everyone already there.
      // Four tabs encoding and decoding three videos each keep two cores busy: allow a minute.
      // Before entering, each sees who is there already.
      const alreadyThere = ['Ana is in this call', 'Ana and Bo are in this call', 'Ana, Bo and Cy are in this call'];
      for (const [index, name] of ['Bo', 'Cy', hostileName].entries()) {
        const newcomer = await suite.person({ url: link, name, enter: false });
        await expect.poll(() => newcomer.page.getByTestId('present').textContent(), patience).toBe(alreadyThere[index]);
        await enterCall(newcomer.page);
        everyone.push(newcomer);
        await Promise.all(everyone.map((opened) => waitUntilConnected(opened.page, everyone.length - 1, 60_000)));
      }

      await Promise.all(everyone.map((opened) => waitForMovingRemoteVideo(opened.page)));

      const names = ['Ana', 'Bo', 'Cy', hostileName];
      for (const [index, opened] of everyone.entries()) {
        expect(await tileNames(opened)).toEqual(names.filter((_, other) => other !== index).sort());
      }
      // The hostile name is text: no element was made from it, no script ran.
      expect(await ana.page.locator('[data-testid="remote-tile"] img').count()).toBe(0);
      expect(await ana.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

      // Everyone hears the three others: each remote element plays, unmuted, with sound in it.
      for (const opened of everyone) {
        await expect.poll(async () => Object.values(await remoteLoudness(opened.page)).filter(({ muted, peak }) => !muted && peak > audible).length, patience).toBe(3);
      }

      const fifth = await suite.person({ url: link, init: countCameraRequests });
      expect((await shownError(fifth.page)).code).toBe('room-full');
      expect(await fifth.page.evaluate(() => (window as unknown as { cameraRequests: number }).cameraRequests)).toBe(0);
      expect(new URL(fifth.page.url()).pathname).toBe(new URL(link).pathname);
      for (const opened of everyone) expect(opened.errors).toEqual([]);
    });

    it('brings a newcomer into a call of five muted, saying so, and leaves unmuting to them', { timeout: 120_000 }, async () => {
      // Five people already there: signaling clients on real sockets, as the room's check counts them.
      const url = `${suite.server.origin.replace(/^http/, 'ws')}/ws`;
      const first = await TestClient.ready(url);
      first.send({ type: 'create', capacity: 8 });
      const { roomId } = await first.next('joined');
      const others = await Promise.all([1, 2, 3, 4].map(async () => {
        const client = await TestClient.ready(url);
        client.send({ type: 'join', roomId });
        await client.next('joined');
        return client;
      }));
      try {
        const newcomer = await suite.person({ url: `${suite.server.origin}/r/${roomId}`, enter: false });
        await expect.poll(() => newcomer.page.getByTestId('present').textContent(), patience).toBe('5 people are in this call');
        const mic = newcomer.page.getByTestId('toggle-mic');
        await expect.poll(() => mic.getAttribute('aria-pressed'), patience).toBe('true');
        expect(await newcomer.page.getByRole('status').filter({ hasText: 'You will join muted' }).count()).toBe(1);

        await mic.click();
        await expect.poll(() => mic.getAttribute('aria-pressed'), { message: 'unmuted, and left so' }).toBe('false');
        expect(await newcomer.page.getByRole('status').filter({ hasText: 'You will join muted' }).count()).toBe(0);
        expect(newcomer.errors).toEqual([]);
      } finally {
        await Promise.all([first, ...others].map((client) => client.close()));
      }
    });
  });
});
