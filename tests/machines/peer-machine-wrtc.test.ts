import { afterEach, describe, expect, it } from 'vitest';
import { createActor, waitFor, type Actor } from 'xstate';
import { handshakeStateOf } from '../../machines/peer/handshake-state.ts';
import { parsePeerSignal } from '../../machines/call/parse-peer-signal.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import type { PeerRole, PeerSignal } from '../../machines/peer/types.ts';
import { createPeerConnectionActor } from '../../web/lib/actors/peer-connection.ts';
import { createWrtcAudioTrack, createWrtcPlatform } from '../support/fakes/wrtc-platform.ts';

type PeerActor = Actor<typeof peerMachine>;

/** Everything a test started, stopped after it so no connection outlives it. */
const started: Array<{ stop(): void }> = [];

afterEach(() => {
  for (const thing of started.splice(0).reverse()) thing.stop();
});

/**
 * Two peer machines over a real WebRTC stack on loopback, with the page's connection actor;
 * their signals cross as JSON, the way the server relays them.
 */
function connectPair() {
  const platform = createWrtcPlatform();
  const peers = new Map<string, PeerActor>();
  /** While closed, signals wait here in order, like frames held up on the way. */
  const gate = { open: true, held: [] as Array<() => void> };
  const relay = (to: string) => (_: unknown, params: { data: PeerSignal }) => {
    const event = parsePeerSignal(JSON.parse(JSON.stringify(params.data)));
    const deliver = () => event && peers.get(to)?.send(event);
    if (gate.open) deliver();
    else gate.held.push(deliver);
  };
  const start = (self: string, other: string, role: PeerRole) => {
    const track = createWrtcAudioTrack();
    started.push(track);
    const stream = platform.createStream([track]);
    const machine = peerMachine.provide({
      actors: { peerConnection: createPeerConnectionActor(platform) },
      actions: { sendSignal: relay(other) },
    });
    const actor = createActor(machine, { input: { peerId: other, role, iceServers: [], localMedia: { stream } } });
    peers.set(self, actor);
    started.push(actor);
    return actor;
  };
  const bob = start('bob', 'alice', 'answerer');
  const alice = start('alice', 'bob', 'offerer');
  bob.start();
  alice.start();
  return {
    alice,
    bob,
    platform,
    holdSignals: () => void (gate.open = false),
    releaseSignals: () => {
      gate.open = true;
      for (const deliver of gate.held.splice(0)) deliver();
    },
  };
}

/** Resolves once `condition` holds, checked on every snapshot of either actor. */
function until(actors: PeerActor[], condition: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`condition not reached: ${actors.map((actor) => JSON.stringify(actor.getSnapshot().value)).join(' ')}`)), 15_000);
    const subscriptions = actors.map((actor) => actor.subscribe(() => check()));
    function finish(error?: Error) {
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.unsubscribe();
      if (error) reject(error);
      else resolve();
    }
    function check() {
      if (condition()) finish();
    }
    check();
  });
}

const connected = (actor: PeerActor) => waitFor(actor, (snapshot) => handshakeStateOf(snapshot) === 'connected', { timeout: 15_000 });

describe('peerMachine over a real WebRTC stack', () => {
  describe('happy path', () => {
    it('connects the newcomer and the peer already there, and each receives the other\'s audio', async () => {
      const { alice, bob } = connectPair();
      await Promise.all([connected(alice), connected(bob)]);
      const [aliceSees, bobSees] = await Promise.all([
        waitFor(alice, (snapshot) => snapshot.context.remoteStream !== null),
        waitFor(bob, (snapshot) => snapshot.context.remoteStream !== null),
      ]);
      expect(aliceSees.context.remoteStream?.getAudioTracks()).toHaveLength(1);
      expect(bobSees.context.remoteStream?.getAudioTracks()).toHaveLength(1);
    });

    it('knows both DTLS fingerprints, each side\'s local one being the other\'s remote one', async () => {
      const { alice, bob } = connectPair();
      await Promise.all([connected(alice), connected(bob)]);
      const [ofAlice, ofBob] = [alice.getSnapshot().context.fingerprints, bob.getSnapshot().context.fingerprints];
      expect(ofAlice.local).toMatch(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(ofAlice).toEqual({ local: ofBob.remote, remote: ofBob.local });
      expect(ofAlice.local).not.toBe(ofAlice.remote);
    });

    it('settles offers made by both sides at once: the polite side rolls back, both end connected', async () => {
      const { alice, bob, platform, holdSignals, releaseSignals } = connectPair();
      const negotiating = (actor: PeerActor, state: 'stable' | 'awaitingAnswer') => actor.getSnapshot().matches({ active: { negotiation: state } });
      await until([alice, bob], () => negotiating(alice, 'stable') && negotiating(bob, 'stable') && handshakeStateOf(bob.getSnapshot()) === 'connected');

      // Both ask for a new transceiver while their offers cannot cross yet: a true collision.
      holdSignals();
      for (const pc of platform.connections) pc.addTransceiver('video', { direction: 'recvonly' });
      await until([alice, bob], () => negotiating(alice, 'awaitingAnswer') && negotiating(bob, 'awaitingAnswer'));
      releaseSignals();

      const settled = () =>
        negotiating(alice, 'stable') &&
        negotiating(bob, 'stable') &&
        platform.connections.every((pc) => pc.signalingState === 'stable' && pc.getTransceivers().every((transceiver) => transceiver.mid !== null));
      await until([alice, bob], settled);

      const [aliceTransceivers, bobTransceivers] = platform.connections.map((pc) => pc.getTransceivers().length);
      expect(aliceTransceivers).toBe(bobTransceivers);
      expect([handshakeStateOf(alice.getSnapshot()), handshakeStateOf(bob.getSnapshot())]).toEqual(['connected', 'connected']);
    });
  });
});
