/**
 * Two Node peers (`@roamhq/wrtc`) in a call whose signals cross instances of a cluster (real
 * processes, one Redis, HAProxy with deploy/haproxy.cfg): the instance that owns the room is
 * killed with `kill -9` mid-call. The peer-to-peer media never stops, both come back into the
 * room through HAProxy with their seats, and a new offer/answer round and chat work afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinedMessage } from '../../protocol/messages.ts';
import { resumeThrough, startCluster, type TestCluster } from '../support/cluster.ts';
import { isLoopbackCandidate, NodePeer } from '../support/node-peer.ts';
import { until } from '../support/probe-server.ts';
import { applied, pump } from '../support/signal-pump.ts';
import { TestClient } from '../support/test-client.ts';

/** How long a step may take between processes on a busy two-core machine (a deadline, not a timing). */
const patienceMs = 20_000;
const video = { width: 160, height: 120, fps: 15 };

let cluster: TestCluster | undefined;
const closing: Array<() => void> = [];

afterEach(async () => {
  for (const close of closing.splice(0)) close();
  await cluster?.stop();
  cluster = undefined;
});

/** One person of the call: a Node peer whose signals go through whichever socket it holds now. */
interface Caller {
  peer: NodePeer;
  joined: JoinedMessage;
  client: TestClient;
  /** Connection states the peer went through since the call first connected. */
  states: string[];
}

/** A person joined through `client`, whose peer sends its signals to `remote` on that socket. */
function caller(client: TestClient, joined: JoinedMessage, remote: () => string): Caller {
  const person: Caller = {
    joined,
    client,
    states: [],
    peer: new NodePeer({ iceServers: joined.iceServers, video, shareCandidate: isLoopbackCandidate, send: (data) => person.client.send({ type: 'signal', to: remote(), data }) }),
  };
  closing.push(() => {
    person.peer.close();
    person.client.socket.terminate();
  });
  return person;
}

/** Listens for the other's signals on `person`'s current socket. */
function listen(person: Caller, from: string, failures: unknown[]): void {
  pump(person.client.socket, from, applied(person.peer, failures));
}

const connected = (person: Caller): boolean =>
  person.peer.connection.connectionState === 'connected' && ['connected', 'completed'].includes(person.peer.connection.iceConnectionState);

describe('a call of two Node peers across instances', () => {
  it('goes on when the owner of the room is killed: media never stops, both resume through HAProxy and negotiate again', async () => {
    cluster = await startCluster();
    const failures: unknown[] = [];
    // Alice on the instance that will own the room, Bob on the other: every signal crosses Redis.
    const aliceClient = await TestClient.ready(cluster.instances[0].url);
    aliceClient.send({ type: 'create' });
    const created = await aliceClient.next('joined', patienceMs);
    const bobClient = await TestClient.ready(cluster.instances[1].url);
    bobClient.send({ type: 'join', roomId: created.roomId });
    const joined = await bobClient.next('joined', patienceMs);
    await aliceClient.next('peer-joined', patienceMs);
    const alice = caller(aliceClient, created, () => joined.peerId);
    const bob = caller(bobClient, joined, () => created.peerId);
    listen(alice, joined.peerId, failures);
    listen(bob, created.peerId, failures);

    bob.peer.openChannel('chat');
    await bob.peer.offer();
    await until(() => failures.length > 0 || (connected(alice) && connected(bob) && alice.peer.channelOpen && bob.peer.channelOpen), patienceMs);
    await until(() => failures.length > 0 || [alice, bob].every((person) => person.peer.received.videoFrames >= 10 && person.peer.received.audioChunks >= 10), patienceMs);
    expect(failures).toEqual([]);
    for (const person of [alice, bob]) {
      person.peer.connection.onconnectionstatechange = () => person.states.push(person.peer.connection.connectionState);
    }

    const framesAtKill = [alice, bob].map((person) => person.peer.received.videoFrames);
    cluster.instances[0].process.child.kill('SIGKILL');
    // Alice's socket drops with its instance; Bob's instance closes his (1012) once it sees the owner gone.
    await alice.client.closed;
    expect((await bob.client.closed).code).toBe(1012);
    // With neither of them in the room, the media goes on: frames keep coming both ways.
    await until(() => alice.peer.received.videoFrames > framesAtKill[0]! && bob.peer.received.videoFrames > framesAtKill[1]!, patienceMs);
    const [aliceBack, bobBack] = await Promise.all([
      resumeThrough(cluster.proxy.url, created.roomId, created.resume),
      resumeThrough(cluster.proxy.url, created.roomId, joined.resume),
    ]);
    alice.client = aliceBack.client;
    bob.client = bobBack.client;
    listen(alice, joined.peerId, failures);
    listen(bob, created.peerId, failures);
    expect(aliceBack.joined.peerId).toBe(created.peerId);
    expect(bobBack.joined.peerId).toBe(joined.peerId);

    // Whoever came back second is the other's resumed peer; then a new offer/answer round goes through the survivor.
    const [first, second] = aliceBack.joined.peers.length === 0 ? [alice, bob] : [bob, alice];
    expect(await first.client.next('peer-joined', patienceMs)).toEqual({ type: 'peer-joined', peerId: second.joined.peerId, resumed: true });
    await bob.peer.offer();
    await until(() => failures.length > 0 || (bob.peer.connection.signalingState === 'stable' && alice.peer.connection.signalingState === 'stable'), patienceMs);
    bob.peer.say('after the failover');
    alice.peer.say('still here');
    await until(() => alice.peer.received.messages.length > 0 && bob.peer.received.messages.length > 0, patienceMs);
    expect(alice.peer.received.messages).toEqual(['after the failover']);
    expect(bob.peer.received.messages).toEqual(['still here']);
    const framesAfter = [alice, bob].map((person) => person.peer.received.videoFrames);
    await until(() => alice.peer.received.videoFrames > framesAfter[0]! + 10 && bob.peer.received.videoFrames > framesAfter[1]! + 10, patienceMs);
    expect(failures).toEqual([]);
    // The call never left `connected`, from the kill to now.
    expect([alice.states, bob.states]).toEqual([[], []]);
    expect(connected(alice) && connected(bob)).toBe(true);
  }, 180_000);
});
