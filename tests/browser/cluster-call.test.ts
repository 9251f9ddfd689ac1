import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePageBuilt } from '../support/server.ts';
import { startCluster, type Instance, type TestCluster } from '../support/cluster.ts';
import { usePeople } from './people.ts';
import { createRoom, handshakeStates, patience, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';

/**
 * Two Chromium pages in one call through HAProxy in front of two instances on Redis: the
 * instance that owns the room is killed (`kill -9`) mid-call, the media goes on, both pages
 * come back into the room on the other instance, and a third person joins afterwards.
 */
let cluster: TestCluster | undefined;
beforeAll(async () => {
  await ensurePageBuilt();
});
const person = usePeople(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** How many rooms `instance` runs, from its /metrics (readable from this machine). */
async function roomsOf(instance: Instance): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
  return Number(/^parley_rooms (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe('a call across two instances behind HAProxy', () => {
  it('goes on when the instance owning the room is killed: both pages come back on the other, and a third joins', async () => {
    cluster = await startCluster();
    const proxy = `http://127.0.0.1:${cluster.proxy.port}`;
    const alice = await person(proxy);
    const link = await createRoom(alice, 3);
    const bob = await person(proxy, link);
    await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
    await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
    const peersBefore = await Promise.all([handshakeStates(alice.page), handshakeStates(bob.page)]);

    const counts = await Promise.all(cluster.instances.map(roomsOf));
    const owner = cluster.instances[counts.indexOf(1)]!;
    owner.process.child.kill('SIGKILL');
    await owner.process.exited;
    // The pictures keep moving while the pages find the room again on the other instance.
    await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
    const other = cluster.instances.find((instance) => instance !== owner)!;
    await expect.poll(() => roomsOf(other), patience).toBe(1);
    for (const page of [alice.page, bob.page]) await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });
    // Same peers, same connections: nobody had to call again.
    expect(await Promise.all([handshakeStates(alice.page), handshakeStates(bob.page)])).toEqual(peersBefore);
    await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);

    const carol = await person(proxy, link);
    await Promise.all([waitUntilConnected(alice.page, 2), waitUntilConnected(carol.page, 2)]);
    await waitForMovingRemoteVideo(carol.page);
  }, 240_000);
});
