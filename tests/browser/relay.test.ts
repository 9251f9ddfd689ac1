import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { startTurnServer, type TurnServer } from '../support/turn-server.ts';
import {
  createRoom,
  openPerson,
  selectedPath,
  waitForMovingRemoteVideo,
  waitUntilConnected,
  watchPeerConnections,
  type Person,
} from './person.ts';

/**
 * Calls through a real coturn (started here, `use-auth-secret` on loopback) with the page's
 * relay-only setting (`?relay`): every packet of the media goes through the TURN server's own
 * ports.
 */
let turn: TurnServer;
let server: RunningServer;
let browser: Browser;
const people: Person[] = [];

beforeAll(async () => {
  turn = await startTurnServer();
  [server, browser] = await Promise.all([startServer({ turnUrls: [turn.url], turnSecret: turn.secret }), launchChromium()]);
});
afterEach(async () => {
  await Promise.all(people.splice(0).map((person) => person.context.close()));
});
afterAll(async () => {
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
});
