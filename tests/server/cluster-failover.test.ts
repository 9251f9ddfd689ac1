import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, resumeThrough, type TestCluster } from '../support/cluster.ts';
import { TestClient } from '../support/test-client.ts';
import type { JoinedMessage } from '../../protocol/messages.ts';

let cluster: TestCluster | undefined;
/** How long a frame may take between processes on a busy two-core machine (a deadline, not a timing). */
const patienceMs = 20_000;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await cluster?.stop();
  cluster = undefined;
});

async function connect(url: string): Promise<TestClient> {
  const client = await TestClient.ready(url);
  clients.push(client);
  return client;
}

/** A call of two: Alice on instance 0 (which owns the room), Bob through HAProxy. */
async function callOfTwo(running: TestCluster): Promise<{ alice: TestClient; bob: TestClient; created: JoinedMessage; joined: JoinedMessage }> {
  const alice = await connect(running.instances[0].url);
  alice.send({ type: 'create', capacity: 3 });
  const created = await alice.next('joined', patienceMs);
  const bob = await connect(running.proxy.url);
  bob.send({ type: 'join', roomId: created.roomId });
  const joined = await bob.next('joined', patienceMs);
  await alice.next('peer-joined', patienceMs);
  return { alice, bob, created, joined };
}

describe('cluster of two processes behind HAProxy (deploy/haproxy.cfg)', () => {
  it('kill -9 of the owner mid-call: both resume through HAProxy on the other instance, and a third joins', async () => {
    cluster = await startCluster();
    const { alice, bob, created, joined } = await callOfTwo(cluster);
    cluster.instances[0].process.child.kill('SIGKILL');
    await alice.closed;
    // Bob's socket may be on either instance: on the dead one it drops, on the other it is closed with 1012.
    await bob.closed;
    const [aliceBack, bobBack] = await Promise.all([
      resumeThrough(cluster.proxy.url, created.roomId, created.resume),
      resumeThrough(cluster.proxy.url, created.roomId, joined.resume),
    ]);
    clients.push(aliceBack.client, bobBack.client);
    expect(aliceBack.joined.peerId).toBe(created.peerId);
    expect(bobBack.joined.peerId).toBe(joined.peerId);
    // Whoever came back second sees the first as a resumed peer, and signals flow again.
    const [first, second] = aliceBack.joined.peers.length === 0 ? [aliceBack, bobBack] : [bobBack, aliceBack];
    expect(await first.client.next('peer-joined', patienceMs)).toEqual({ type: 'peer-joined', peerId: second.joined.peerId, resumed: true });
    second.client.send({ type: 'signal', to: first.joined.peerId, data: { candidate: null } });
    expect(await first.client.next('signal', patienceMs)).toEqual({ type: 'signal', from: second.joined.peerId, data: { candidate: null } });
    const carol = await connect(cluster.proxy.url);
    carol.send({ type: 'join', roomId: created.roomId });
    expect((await carol.next('joined', patienceMs)).peers.sort()).toEqual([created.peerId, joined.peerId].sort());
  }, 90_000);

  it('SIGTERM of one instance: its clients are told shutting-down, closed with 1012, and resume on the other', async () => {
    cluster = await startCluster();
    const { alice, bob, created, joined } = await callOfTwo(cluster);
    cluster.instances[0].process.child.kill('SIGTERM');
    expect(await alice.next('error', patienceMs)).toMatchObject({ code: 'shutting-down' });
    expect((await alice.closed).code).toBe(1012);
    expect((await bob.closed).code).toBe(1012);
    expect(await cluster.instances[0].process.exited).toEqual([0, null]);
    const aliceBack = await resumeThrough(cluster.proxy.url, created.roomId, created.resume);
    const bobBack = await resumeThrough(cluster.proxy.url, created.roomId, joined.resume);
    clients.push(aliceBack.client, bobBack.client);
    expect([aliceBack.joined.peerId, bobBack.joined.peerId]).toEqual([created.peerId, joined.peerId]);
    expect(await aliceBack.client.next('peer-joined', patienceMs)).toEqual({ type: 'peer-joined', peerId: joined.peerId, resumed: true });
  }, 90_000);
});
