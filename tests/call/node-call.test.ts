/**
 * A real WebRTC call with no browser: two Node peers (`@roamhq/wrtc`) meet through the real
 * signaling server and follow docs/protocol.md — the newcomer offers, trickle ICE with a `null` end
 * of candidates — then exchange synthetic video, audio and data-channel messages on loopback.
 */
import { describe, expect, it } from 'vitest';
import { isLoopbackCandidate, NodePeer, type PeerSignal } from '../support/node-peer.ts';
import { applied, pump } from '../support/signal-pump.ts';
import { until, useProbeServers } from '../support/probe-server.ts';

const start = useProbeServers();

/** ICE, DTLS and the first decoded frames take a moment on a busy two-core machine. */
const callMs = 15_000;
const video = { width: 320, height: 240, fps: 15 };

describe('a call between two Node peers through the signaling server', () => {
  it('connects with the newcomer offering, and carries video, audio and chat both ways', async () => {
    const server = await start();
    const { probe: aliceSocket, joined: a } = await server.create();
    const { probe: bobSocket, joined: b } = await server.join(a.roomId);
    expect(b.peers).toEqual([a.peerId]);
    expect(await aliceSocket.next()).toEqual({ type: 'peer-joined', peerId: b.peerId });

    const failures: unknown[] = [];
    const alice = new NodePeer({
      iceServers: a.iceServers,
      video,
      shareCandidate: isLoopbackCandidate,
      send: (data) => aliceSocket.send({ type: 'signal', to: b.peerId, data }),
    });
    const bob = new NodePeer({
      iceServers: b.iceServers,
      video,
      shareCandidate: isLoopbackCandidate,
      send: (data) => bobSocket.send({ type: 'signal', to: a.peerId, data }),
    });
    const toAlice = pump(aliceSocket.socket, b.peerId, applied(alice, failures));
    try {
      // Bob holds Alice's answer back until her first candidate has come, so that candidate
      // reaches him before the remote description: it must be queued, then applied.
      let answer: PeerSignal | undefined;
      let released = false;
      const toBob = pump(bobSocket.socket, a.peerId, (signal) => {
        if ('description' in signal && !released) answer = signal;
        else applied(bob, failures)(signal);
        if ('candidate' in signal && signal.candidate !== null && answer !== undefined && !released) {
          released = true;
          applied(bob, failures)(answer);
        }
      });

      bob.openChannel('chat');
      await bob.offer();

      // Connecting can finish on candidates carried in the answer's SDP before the queued ones
      // are added, so wait for both rather than read the queue count at the first 'connected'.
      const connected = (): boolean => alice.connection.connectionState === 'connected' && bob.connection.connectionState === 'connected';
      await until(() => failures.length > 0 || (connected() && bob.candidates.appliedFromQueue > 0), callMs);
      expect(failures).toEqual([]);
      expect(released).toBe(true);
      expect(bob.candidates.appliedFromQueue).toBeGreaterThan(0);
      expect(alice.candidates.sent).toBeGreaterThan(0);
      expect(bob.candidates.sent).toBeGreaterThan(0);

      await until(() => [alice, bob].every((peer) => peer.received.videoFrames >= 10 && peer.received.audioChunks >= 10), callMs);
      for (const peer of [alice, bob]) {
        expect(peer.received.width).toBeGreaterThan(0);
        expect(peer.received.height).toBeGreaterThan(0);
        expect(peer.received.audioSamples).toBeGreaterThan(0);
      }

      await until(() => alice.channelOpen && bob.channelOpen, callMs);
      bob.say('hello from bob');
      await until(() => alice.received.messages.length > 0, callMs);
      alice.say('hello from alice');
      await until(() => bob.received.messages.length > 0, callMs);
      expect(alice.received.messages).toEqual(['hello from bob']);
      expect(bob.received.messages).toEqual(['hello from alice']);

      await until(() => alice.candidates.remoteEnded && bob.candidates.remoteEnded, callMs);
      expect(failures).toEqual([]);
      expect(toAlice.unexpected).toEqual([]);
      expect(toBob.unexpected).toEqual([]);
    } finally {
      alice.close();
      bob.close();
    }
    await bobSocket.close();
    await until(() => toAlice.unexpected.length > 0);
    expect(toAlice.unexpected).toEqual([{ type: 'peer-left', peerId: b.peerId }]);
  }, 60_000);
});
