import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joined, roomId, startCall } from '../support/fakes/start-call.ts';

// Full jitter draws each wait below its ceiling: these tests draw the highest, so a wait is its ceiling.
const highestDraw = 1 - 2 ** -30;
beforeEach(() => void vi.spyOn(Math, 'random').mockReturnValue(highestDraw));
afterEach(() => void vi.restoreAllMocks());

const token = 'resume-token-0123456789abcdef';

/** A call with Alice, connected, whose socket has just dropped. */
async function droppedWithAlice() {
  const call = startCall();
  await call.enter(['alice-peer'], roomId);
  call.signaling.last.receive({ type: 'signal', from: 'alice-peer', data: { description: { type: 'answer', sdp: 'v=0 a' } } });
  call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
  call.signaling.last.drop();
  return call;
}

describe('callMachine: rejoining after the socket was lost', () => {
  describe('happy path', () => {
    it('keeps the call with its peers running and resumes the same seat', async () => {
      const call = await droppedWithAlice();
      const alice = call.context().peers[0];
      expect(call.actor.getSnapshot().matches({ rejoining: 'waiting' })).toBe(true);
      expect(call.handshakes()).toEqual([['alice-peer', 'connected']]);
      expect(call.connections.last.closed).toBe(false);
      expect(call.localStream()?.getTracks().every((track) => track.readyState === 'live')).toBe(true);

      call.clock.increment(249);
      expect(call.signaling.sockets).toHaveLength(1);
      call.clock.increment(1);
      expect(call.signaling.sockets).toHaveLength(2);
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'join', roomId, resume: token }]);

      call.signaling.last.receive(joined(['alice-peer'], { resume: 'resume-token-fresh-0123456789' }));
      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.context().peers[0]).toBe(alice);
      expect(call.context().resumeToken).toBe('resume-token-fresh-0123456789');
      expect(call.handshakes()).toEqual([['alice-peer', 'connected']]);
    });

    it('hands the fresh TURN credentials of the resume to the connections that go on', async () => {
      const call = await droppedWithAlice();
      const alicePc = call.connections.last;
      call.clock.increment(250);
      call.signaling.last.open();
      const fresh = [{ urls: 'turn:127.0.0.1:3478', username: '1700003600:self', credential: 'fresh-credential' }];
      call.signaling.last.receive(joined(['alice-peer'], { iceServers: fresh }));
      expect(call.connections.last).toBe(alicePc);
      expect(alicePc.iceServers).toEqual(fresh);
      expect(call.handshakes()).toEqual([['alice-peer', 'connected']]);
    });

    it('holds signals made while away and sends them once the seat is back', async () => {
      const call = await droppedWithAlice();
      const candidate = { candidate: 'candidate:9 1 udp 1 127.0.0.1 5009 typ host', sdpMid: '0', sdpMLineIndex: 0 };
      call.connections.last.emit({ type: 'pc.candidate', candidate });
      call.clock.increment(250);
      call.signaling.last.open();
      expect(call.signaling.last.sentTypes()).toEqual(['join']);

      call.signaling.last.receive(joined(['alice-peer']));
      expect(call.signaling.last.sent.at(-1)).toEqual({ type: 'signal', to: 'alice-peer', data: { candidate } });
    });

    it('closes the handshake of a peer who left while away and answers one who came', async () => {
      const call = await droppedWithAlice();
      const alicePc = call.connections.last;
      call.clock.increment(250);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['dave-peer']));
      expect(alicePc.closed).toBe(true);
      expect(call.handshakes()).toEqual([['dave-peer', 'idle']]);

      // Dave's offer was queued by the server while we were away.
      call.signaling.last.receive({ type: 'signal', from: 'dave-peer', data: { description: { type: 'offer', sdp: 'v=0 d' } } });
      expect(call.handshakes()).toEqual([['dave-peer', 'answering']]);
    });

    it('forgets the failure of a peer who left while away', async () => {
      const call = await droppedWithAlice();
      // Her connection breaks beyond repair (a description it cannot take).
      call.connections.last.emit({ type: 'pc.error', operation: 'setRemoteDescription', message: 'Bad SDP.' });
      expect(call.context().error).toMatchObject({ code: 'ice-failed', peerId: 'alice-peer' });
      call.clock.increment(250);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['dave-peer']));
      expect(call.handshakes()).toEqual([['dave-peer', 'idle']]);
      expect(call.context().error).toBeNull();
    });

    it('joins as a newcomer when the seat was not kept, offering to everyone again', async () => {
      const call = await droppedWithAlice();
      const oldPc = call.connections.last;
      call.connections.last.emit({ type: 'pc.candidate', candidate: null });
      call.clock.increment(250);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['alice-peer'], { peerId: 'self-peer-2' }));

      expect(oldPc.closed).toBe(true);
      expect(call.context().selfId).toBe('self-peer-2');
      expect(call.handshakes()).toEqual([['alice-peer', 'offering']]);
      // The held candidate belonged to the old connection: only the new offer goes out.
      const signals = call.signaling.last.sent.filter((message) => message.type === 'signal');
      expect(signals).toEqual([{ type: 'signal', to: 'alice-peer', data: { description: { type: 'offer', sdp: 'v=0 fake offer 1' } } }]);
    });

    it('backs off between failed attempts', async () => {
      const call = await droppedWithAlice();
      call.clock.increment(250);
      call.signaling.last.drop();
      call.clock.increment(499);
      expect(call.signaling.sockets).toHaveLength(2);
      call.clock.increment(1);
      expect(call.signaling.sockets).toHaveLength(3);
      expect(call.signaling.sockets[1]?.closedByClient).toBe(true);
    });

    it('tries again when the resume request gets no answer', async () => {
      const call = await droppedWithAlice();
      call.clock.increment(250);
      call.signaling.last.open();
      call.clock.increment(10_000);
      expect(call.signaling.sockets[1]?.closedByClient).toBe(true);
      expect(call.actor.getSnapshot().matches({ rejoining: 'waiting' })).toBe(true);
    });

    it('says ice-failed for a peer whose connection fails while rejoining', async () => {
      const call = await droppedWithAlice();
      // Her connection breaks beyond repair (a description it cannot take).
      call.connections.last.emit({ type: 'pc.error', operation: 'setRemoteDescription', message: 'Bad SDP.' });
      expect(call.context().error).toMatchObject({ code: 'ice-failed', peerId: 'alice-peer' });
      expect(call.actor.getSnapshot().matches('rejoining')).toBe(true);
    });

    it('tries again when an attempt hangs without an answer', async () => {
      const call = await droppedWithAlice();
      call.clock.increment(250);
      call.clock.increment(10_000);
      expect(call.signaling.sockets[1]?.closedByClient).toBe(true);
      call.clock.increment(500);
      expect(call.signaling.sockets).toHaveLength(3);
    });
  });

  describe('failure', () => {
    it('gives up with signaling-lost after the last attempt when no peer is left, and releases everything', async () => {
      const call = await droppedWithAlice();
      call.connections.last.emit({ type: 'pc.error', operation: 'setRemoteDescription', message: 'Bad SDP.' });
      expect(call.handshakes()).toEqual([['alice-peer', 'failed']]);
      while (call.actor.getSnapshot().matches('rejoining')) {
        call.clock.increment(call.actor.getSnapshot().matches({ rejoining: 'waiting' }) ? 2_000 : 0);
        call.signaling.last.drop();
      }
      expect(call.actor.getSnapshot().value).toBe('failed');
      expect(call.context().error?.code).toBe('signaling-lost');
      for (const pc of call.connections.connections) expect(pc.closed).toBe(true);
    });

    it('fails with signaling-lost without retrying when another connection took the seat', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      call.signaling.last.drop(4000);
      expect(call.actor.getSnapshot().value).toBe('failed');
      expect(call.context().error?.code).toBe('signaling-lost');
      call.clock.increment(60_000);
      expect(call.signaling.sockets).toHaveLength(1);
    });

    it('fails with the server\'s code when the room is gone', async () => {
      const call = await droppedWithAlice();
      call.clock.increment(250);
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'error', code: 'room-not-found', message: 'No such room.', ref: 'join' });
      expect(call.actor.getSnapshot().value).toBe('failed');
      expect(call.context().error?.code).toBe('room-not-found');
    });
  });

  describe('a call that outlives the server', () => {
    it('keeps trying, at most every 8 s, past the budget while a peer is still connected', async () => {
      const call = await droppedWithAlice();
      const waits = [250, 500, 1_000, ...Array.from({ length: 17 }, () => 2_000)];
      for (const wait of waits) {
        call.clock.increment(wait);
        call.signaling.last.drop();
      }
      expect(call.actor.getSnapshot().matches({ rejoining: 'waiting' })).toBe(true);
      expect(call.handshakes()).toEqual([['alice-peer', 'connected']]);
      expect(call.localStream()?.getTracks().every((track) => track.readyState === 'live')).toBe(true);
      call.clock.increment(7_999);
      expect(call.signaling.sockets).toHaveLength(waits.length + 1);
      call.clock.increment(1);
      expect(call.signaling.sockets).toHaveLength(waits.length + 2);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['alice-peer']));
      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.context().reconnectAttempt).toBe(0);
    });

    it('takes its budget from the grace period the server announced', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId, { resumeGraceMs: 3_000 });
      expect(call.context().resumeGraceMs).toBe(3_000);
      call.connections.last.emit({ type: 'pc.connectionState', state: 'failed' });
      call.signaling.last.drop();
      // On average 125 + 250 + 500 + 1 000 ms fit in 90 % of 3 s; another 1 000 would not.
      for (const wait of [250, 500, 1_000, 2_000]) {
        call.clock.increment(wait);
        call.signaling.last.drop();
      }
      expect(call.actor.getSnapshot().value).toBe('failed');
      expect(call.signaling.sockets).toHaveLength(5);
    });

    it('draws each wait below its ceiling (full jitter)', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const call = await droppedWithAlice();
      call.clock.increment(124);
      expect(call.signaling.sockets).toHaveLength(1);
      call.clock.increment(1);
      expect(call.signaling.sockets).toHaveLength(2);
    });

    it('tries at once when the browser is back online instead of waiting out the backoff', async () => {
      const call = await droppedWithAlice();
      call.actor.send({ type: 'network.online' });
      expect(call.signaling.sockets).toHaveLength(2);
      expect(call.actor.getSnapshot().matches({ rejoining: 'connecting' })).toBe(true);
    });

    it('keeps the connection of a peer not back yet in a re-established room, and of one that comes back resumed', async () => {
      const call = startCall();
      await call.enter(['alice-peer', 'bob-peer'], roomId, { capacity: 3 });
      const [alicePc, bobPc] = call.connections.connections;
      call.signaling.last.drop();
      call.clock.increment(250);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['bob-peer'], { restored: true, capacity: 3 }));
      expect(call.handshakes().map(([peerId]) => peerId)).toEqual(['alice-peer', 'bob-peer']);
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'alice-peer', resumed: true });
      expect(call.handshakes().map(([peerId]) => peerId)).toEqual(['alice-peer', 'bob-peer']);
      expect(call.connections.connections).toHaveLength(2);
      expect([alicePc!.closed, bobPc!.closed]).toEqual([false, false]);
    });

    it('holds the latest description when the outbox is full of candidates', async () => {
      const call = await droppedWithAlice();
      call.actor.send({ type: 'peer.signal', peerId: 'alice-peer', data: { description: { type: 'offer', sdp: 'v=0 restart' } } });
      for (let n = 0; n < 70; n++) call.actor.send({ type: 'peer.signal', peerId: 'alice-peer', data: { candidate: { candidate: `c${n}` } } });
      call.clock.increment(250);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['alice-peer']));
      const signals = call.signaling.last.sent.filter((message) => message.type === 'signal');
      expect(signals).toHaveLength(64);
      expect(signals[0]).toEqual({ type: 'signal', to: 'alice-peer', data: { description: { type: 'offer', sdp: 'v=0 restart' } } });
      expect(signals[1]).toEqual({ type: 'signal', to: 'alice-peer', data: { candidate: { candidate: 'c7' } } });
    });

    it('resumes, loses the server again within the first grace period, and backs off from the start', async () => {
      const call = await droppedWithAlice();
      call.clock.increment(250);
      call.signaling.last.drop();
      call.clock.increment(500);
      call.signaling.last.open();
      call.signaling.last.receive(joined(['alice-peer'], { resume: 'resume-token-second-0123456789' }));
      call.signaling.last.drop();
      call.clock.increment(250);
      expect(call.signaling.sockets).toHaveLength(4);
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'join', roomId, resume: 'resume-token-second-0123456789' }]);
    });
  });
});
