import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { LoopbackCut } from '../support/loopback-cut.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { startTurnServer, type TurnServer } from '../support/turn-server.ts';
import {
  createRoom,
  openPerson,
  patience,
  recordedHandshakeWords,
  recordHandshakeWords,
  selectedPath,
  waitForMovingRemoteVideo,
  waitUntilConnected,
  watchPeerConnections,
  type Person,
} from './person.ts';

/**
 * Calls through a real coturn (started here, `use-auth-secret` on loopback) with the page's
 * relay-only setting (`?relay`): every packet of the media goes through the TURN server's own
 * ports, which lets a test cut the media path (and only this test's) with nftables.
 * PARLEY_CUT_RUNS=10 repeats the cut and prints the time from the restored path to
 * `connected` (a measurement, never asserted).
 */
const runs = Number(process.env.PARLEY_CUT_RUNS ?? 1);
/** How long the media path stays cut: the outage the call must survive. */
const cutMs = 10_000;
let turn: TurnServer;
let server: RunningServer;
let browser: Browser;
let cut: LoopbackCut;
const people: Person[] = [];

beforeAll(async () => {
  turn = await startTurnServer();
  [server, browser] = await Promise.all([startServer({ turnUrls: [turn.url], turnSecret: turn.secret }), launchChromium()]);
  const { listening, relayMin, relayMax } = turn.ports;
  cut = new LoopbackCut([listening, [relayMin, relayMax]]);
});
afterEach(async () => {
  await cut.restore();
  await Promise.all(people.splice(0).map((person) => person.context.close()));
});
afterAll(async () => {
  await cut?.restore();
  await browser?.close();
  await server?.close();
  await turn?.stop();
});

/** Alice and Bob in a relay-only call, connected, with moving pictures both ways. */
async function relayedCall(): Promise<[Person, Person]> {
  const alice = await openPerson(browser, server.origin, { url: `${server.origin}/?relay`, init: watchPeerConnections });
  people.push(alice);
  const link = await createRoom(alice);
  const bob = await openPerson(browser, server.origin, { url: `${link}?relay`, init: watchPeerConnections });
  people.push(bob);
  await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
  await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
  return [alice, bob];
}

describe('a call through TURN', () => {
  it('connects through coturn with relay candidates only when the page is set to relay-only', async () => {
    const [alice, bob] = await relayedCall();
    for (const person of [alice, bob]) expect(await selectedPath(person.page)).toMatchObject({ local: 'relay', remote: 'relay' });
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  for (let run = 1; run <= runs; run++) {
    it(`comes back by ICE restart, with moving pictures, after its media path was cut for 10 s${runs > 1 ? ` (run ${run})` : ''}`, async () => {
      const [alice, bob] = await relayedCall();
      const before = await Promise.all([selectedPath(alice.page), selectedPath(bob.page)]);
      await Promise.all([recordHandshakeWords(alice.page), recordHandshakeWords(bob.page)]);

      await cut.cut();
      const cutAt = performance.now();
      // The pages notice the silent path and say so.
      for (const person of [alice, bob]) {
        await expect.poll(async () => (await recordedHandshakeWords(person.page)).includes('reconnecting'), patience).toBe(true);
      }
      // The outage lasts its full length, whatever the pages do meanwhile.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutMs - (performance.now() - cutAt))));
      await cut.restore();
      const restoredAt = performance.now();

      await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
      if (runs > 1) console.info(`media-cut: connected again ${Math.round(performance.now() - restoredAt)} ms after the path was restored`);
      await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
      // The same connection, repaired by an ICE restart (new ICE credentials), still relayed.
      const after = await Promise.all([selectedPath(alice.page), selectedPath(bob.page)]);
      for (const [index, path] of after.entries()) {
        expect(path).toMatchObject({ local: 'relay', remote: 'relay' });
        expect(path.ufrag).not.toBe(before[index]!.ufrag);
      }
      const pcCounts = await Promise.all([alice, bob].map((person) => person.page.evaluate(() => (window as unknown as { peerConnections: unknown[] }).peerConnections.length)));
      expect(pcCounts).toEqual([1, 1]);
    }, 120_000);
  }
});
