import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  createRoom,
  handshakeStates,
  patience,
  recordedHandshakeWords,
  recordHandshakeWords,
  waitForMovingRemoteVideo,
  waitUntilConnected,
  type Person,
} from './person.ts';
import { RestartableServer } from './restartable-server.ts';
import { usePeople } from './people.ts';

/**
 * A live two-person call while the signaling server dies (`kill -9`) or is stopped for a deploy
 * (SIGTERM) and is started again: the media goes on, the pages say `reconnecting` and come back
 * into the same room. PARLEY_RESTART_RUNS=10 repeats each case and prints the time from
 * `/healthz` answering to both pages back in the room (a measurement, never asserted).
 */
const runs = Number(process.env.PARLEY_RESTART_RUNS ?? 1);
let server: RestartableServer;
const openAt = usePeople(async () => {
  await server?.stop();
});
const person = (url?: string): Promise<Person> => openAt(server.origin, url);

/** Remote video frames the page has decoded so far, all remote videos together. */
function decodedFrames(page: Page): Promise<number> {
  return page.getByTestId('remote-video').evaluateAll((videos) =>
    (videos as HTMLVideoElement[]).reduce((sum, video) => sum + video.getVideoPlaybackQuality().totalVideoFrames, 0),
  );
}

/** Frames both pages decode from now until `until` (a `performance.now()` time): the length of the window is the point, not a wait for something. */
async function framesUntil(pages: Page[], until: number): Promise<number[]> {
  const start = await Promise.all(pages.map(decodedFrames));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - performance.now())));
  return (await Promise.all(pages.map(decodedFrames))).map((frames, index) => frames - start[index]!);
}

/** Whether the page shows `reconnecting` as a status (not an alert) and no error. */
async function saysReconnecting(page: Page): Promise<boolean> {
  const status = page.getByTestId('reconnecting');
  return (await status.isVisible()) && (await status.getAttribute('role')) === 'status' && !(await page.getByTestId('error').isVisible());
}

describe.each(['SIGKILL', 'SIGTERM'] as const)('a call while the server is stopped with %s and started again', (signal) => {
  for (let run = 1; run <= runs; run++) {
    it(`keeps the media, says reconnecting, comes back into the same room, and goes on${runs > 1 ? ` (run ${run})` : ''}`, async () => {
      server = new RestartableServer();
      await server.start();
      const alice = await person();
      const link = await createRoom(alice);
      const bob = await person(link);
      await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
      await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
      const peersBefore = await Promise.all([handshakeStates(alice.page), handshakeStates(bob.page)]);
      await Promise.all([recordHandshakeWords(alice.page), recordHandshakeWords(bob.page)]);
      const measuring = runs > 1;
      const pages = [alice.page, bob.page];
      const framesUp = measuring ? await framesUntil(pages, performance.now() + 10_000) : [];

      const killedAt = performance.now();
      await server.kill(signal);
      const framesDown = measuring ? framesUntil(pages, killedAt + 10_000) : Promise.resolve([]);
      await expect.poll(() => saysReconnecting(alice.page), patience).toBe(true);
      await expect.poll(() => saysReconnecting(bob.page), patience).toBe(true);
      // With no server at all, the pictures still move both ways.
      await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
      // Measuring: the server stays away for 10 s, and the frames decoded meanwhile are counted.
      if (measuring) console.info(`restart-${signal}: frames decoded in 10 s, server up ${framesUp.join('/')}, server down ${(await framesDown).join('/')}`);

      await server.restart();
      const healthy = await server.healthy();
      const back = (page: Page) => page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 }).then(() => performance.now());
      const [aliceBack, bobBack] = await Promise.all([back(alice.page), back(bob.page)]);
      if (measuring) console.info(`restart-${signal}: both back ${Math.round(Math.max(aliceBack, bobBack) - healthy)} ms after /healthz answered`);

      // Same room, same peers, the same connections: nobody offered again, nothing left `connected`.
      expect(await Promise.all([handshakeStates(alice.page), handshakeStates(bob.page)])).toEqual(peersBefore);
      expect(await recordedHandshakeWords(alice.page)).toEqual(['connected']);
      expect(await recordedHandshakeWords(bob.page)).toEqual(['connected']);
      expect(await bob.page.getByTestId('room-link').inputValue()).toBe(link);
      await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);

      // The room works as before: a hang-up reaches the other side, and someone new can join.
      await bob.page.getByTestId('hang-up').click();
      await expect.poll(async () => Object.values(await handshakeStates(alice.page)).filter((state) => state !== 'closed'), patience).toEqual([]);
      const carol = await person(link);
      await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(carol.page)]);
      await waitForMovingRemoteVideo(carol.page);
      // Chromium itself logs each reconnection attempt refused (or cut) while the server is down;
      // nothing else may complain. An attempt that reaches the server while it shuts down can be
      // dropped before the upgrade, which Chromium reports as ERR_SOCKET_NOT_CONNECTED, or, while
      // the server still waits for its sockets to close (SIGTERM), be answered 503: fastify
      // refuses every request once it began to close (`return503OnClosing`).
      const refused = /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed: .*(ERR_CONNECTION_(REFUSED|RESET)|ERR_SOCKET_NOT_CONNECTED|Unexpected response code: 503)$/;
      for (const opened of [alice, bob, carol]) expect(opened.errors.filter((error) => !refused.test(error))).toEqual([]);
    }, 240_000);
  }
});
