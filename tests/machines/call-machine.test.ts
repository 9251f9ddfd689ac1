import { describe, expect, it } from 'vitest';
import { roomId, startCall } from '../support/fakes/start-call.ts';

const offer = { type: 'offer', sdp: 'v=0 remote offer' } as const;
const answer = { type: 'answer', sdp: 'v=0 remote answer' } as const;

describe('callMachine', () => {
  describe('happy path', () => {
    it('creates a room: camera and mic first, then the socket, then `create`, then the call', async () => {
      const call = startCall();
      expect(call.actor.getSnapshot().value).toBe('lobby');

      call.actor.send({ type: 'ui.create', capacity: 3 });
      expect(call.actor.getSnapshot().matches('media')).toBe(true);
      expect(call.signaling.sockets).toHaveLength(0);
      await call.reach('joining');
      expect(call.devices.requests).toEqual([{ audio: true, video: true }]);
      expect(call.localStream()?.getTracks().map((track) => track.kind)).toEqual(['audio', 'video']);

      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'create', capacity: 3 }]);
      call.signaling.last.receive({ type: 'joined', roomId, peerId: 'self-peer', peers: [], capacity: 3, resume: 'resume-token-0123456789abcdef', iceServers: [] });

      const snapshot = call.actor.getSnapshot();
      expect(snapshot.value).toBe('inCall');
      expect(snapshot.context).toMatchObject({ roomId, selfId: 'self-peer', capacity: 3, peers: [], error: null });
    });

    it('joins a room by id with `join`', async () => {
      const call = startCall();
      await call.enter([], roomId);
      expect(call.signaling.last.sent).toEqual([{ type: 'join', roomId }]);
      expect(call.actor.getSnapshot().value).toBe('inCall');
    });

    it('as the newcomer offers to the peer already there and sends the offer through the socket', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      expect(call.handshakes()).toEqual([['alice-peer', 'offering']]);
      expect(call.signaling.last.sent.at(-1)).toEqual({
        type: 'signal',
        to: 'alice-peer',
        data: { description: { type: 'offer', sdp: 'v=0 fake offer 1' } },
      });
      expect(call.connections.last.input.iceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }]);

      call.signaling.last.receive({ type: 'signal', from: 'alice-peer', data: { description: answer } });
      call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(call.handshakes()).toEqual([['alice-peer', 'connected']]);
    });

    it('answers a peer who joins after us', async () => {
      const call = startCall();
      await call.enter();
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'bob-peer' });
      expect(call.handshakes()).toEqual([['bob-peer', 'idle']]);

      call.signaling.last.receive({ type: 'signal', from: 'bob-peer', data: { description: offer } });
      expect(call.handshakes()).toEqual([['bob-peer', 'answering']]);
      expect(call.signaling.last.sent.at(-1)).toEqual({
        type: 'signal',
        to: 'bob-peer',
        data: { description: { type: 'answer', sdp: 'v=0 fake answer 1' } },
      });
    });

    it('in a room of three offers to both others and routes each signal to its sender\'s handshake', async () => {
      const call = startCall();
      await call.enter(['alice-peer', 'bob-peer'], roomId, { capacity: 3 });
      expect(call.handshakes()).toEqual([['alice-peer', 'offering'], ['bob-peer', 'offering']]);
      const sentTo = call.signaling.last.sent.flatMap((message) => (message.type === 'signal' ? [message.to] : []));
      expect(sentTo).toEqual(['alice-peer', 'bob-peer']);

      const [alicePc, bobPc] = call.connections.connections;
      call.signaling.last.receive({ type: 'signal', from: 'bob-peer', data: { description: answer } });
      call.signaling.last.receive({ type: 'signal', from: 'bob-peer', data: { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } } });
      expect(bobPc?.remoteDescription).toEqual(answer);
      expect(bobPc?.candidates).toHaveLength(1);
      expect(alicePc?.remoteDescription).toBeNull();
      expect(alicePc?.candidates).toHaveLength(0);
    });

    it('removes a peer who leaves, closes its connection and stays in the call for the next one', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      const alice = call.context().peers[0]!;
      call.signaling.last.receive({ type: 'peer-left', peerId: 'alice-peer' });

      expect(call.context().peers).toEqual([]);
      expect(alice.ref.getSnapshot().value).toBe('closed');
      expect(call.connections.last.closed).toBe(true);
      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.context().peersLeft).toBe(1);

      call.signaling.last.receive({ type: 'peer-joined', peerId: 'carol-peer' });
      expect(call.handshakes()).toEqual([['carol-peer', 'idle']]);
    });

    it('mutes the microphone and turns the camera off by disabling their tracks', async () => {
      const call = startCall();
      await call.enter();
      const [mic, camera] = call.localStream()!.getTracks();
      call.actor.send({ type: 'ui.toggleMic' });
      expect(call.context().micMuted).toBe(true);
      expect(mic?.enabled).toBe(false);
      expect(camera?.enabled).toBe(true);

      call.actor.send({ type: 'ui.toggleCamera' });
      call.actor.send({ type: 'ui.toggleMic' });
      expect(call.context()).toMatchObject({ micMuted: false, cameraOff: true });
      expect(mic?.enabled).toBe(true);
      expect(camera?.enabled).toBe(false);
    });

    it('applies a mute chosen before the camera started', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.toggleMic' });
      await call.enter();
      expect(call.localStream()?.getAudioTracks()[0]?.enabled).toBe(false);
      expect(call.context().micMuted).toBe(true);
    });

    it('ignores signals it cannot read and signals from peers not in the room', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      const pc = call.connections.last;
      const before = pc.commands.length;
      call.signaling.last.receive({ type: 'signal', from: 'alice-peer', data: { description: { type: 'bogus', sdp: 1 } } });
      call.signaling.last.receive({ type: 'signal', from: 'mallory-peer', data: { description: answer } });
      call.signaling.last.receive({ type: 'error', code: 'peer-not-found', message: 'No such peer.', ref: 'signal' });
      expect(pc.commands).toHaveLength(before);
      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.handshakes()).toEqual([['alice-peer', 'offering']]);
    });
  });

  describe('media fallbacks', () => {
    it('joins with audio only when there is no camera', async () => {
      const call = startCall({ camera: 'missing' });
      await call.enter(['alice-peer'], roomId);
      expect(call.devices.requests).toEqual([{ audio: true, video: true }, { audio: true, video: false }]);
      expect(call.localStream()?.getTracks().map((track) => track.kind)).toEqual(['audio']);
      expect(call.context().error).toBeNull();
      expect([...call.connections.last.receiveKinds]).toEqual(['video']);
    });

    it('joins with video only when there is no microphone', async () => {
      const call = startCall({ mic: 'missing' });
      await call.enter();
      expect(call.devices.requests).toEqual([
        { audio: true, video: true },
        { audio: true, video: false },
        { audio: false, video: true },
      ]);
      expect(call.localStream()?.getTracks().map((track) => track.kind)).toEqual(['video']);
    });

    it('stops at media-denied when the person refuses, and can join receiving only', async () => {
      const call = startCall({ camera: 'denied', mic: 'denied' });
      call.actor.send({ type: 'ui.join', roomId });
      await call.reach({ media: 'blocked' });
      expect(call.devices.requests).toHaveLength(1);
      expect(call.context().error?.code).toBe('media-denied');
      expect(call.signaling.sockets).toHaveLength(0);

      call.actor.send({ type: 'ui.receiveOnly' });
      expect(call.context().error).toBeNull();
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'joined', roomId, peerId: 'self-peer', peers: ['alice-peer'], capacity: 2, resume: 'resume-token-0123456789abcdef', iceServers: [] });
      expect(call.context().localStream).toBeNull();
      expect(call.connections.last.attachedTracks.size).toBe(0);
      expect([...call.connections.last.receiveKinds]).toEqual(['audio', 'video']);
      expect(call.handshakes()).toEqual([['alice-peer', 'offering']]);
    });

    it('asks again after media-denied once the person allowed camera and microphone, and goes on joining', async () => {
      const call = startCall({ camera: 'denied', mic: 'denied' });
      call.actor.send({ type: 'ui.join', roomId });
      await call.reach({ media: 'blocked' });

      call.actor.send({ type: 'ui.retryMedia' });
      await call.reach({ media: 'blocked' });
      expect(call.devices.requests).toHaveLength(2);

      call.devices.change('present', 'present');
      call.actor.send({ type: 'ui.retryMedia' });
      await call.reach('joining');
      expect(call.context().error).toBeNull();
      expect(call.devices.requests).toHaveLength(3);
      expect(call.localStream()?.getTracks().map((track) => track.kind).sort()).toEqual(['audio', 'video']);
    });

    it('stops at media-denied when the microphone is refused after the camera was found missing', async () => {
      const call = startCall({ camera: 'missing', mic: 'denied' });
      call.actor.send({ type: 'ui.create' });
      await call.reach({ media: 'blocked' });
      expect(call.devices.requests).toHaveLength(2);
      expect(call.context().error?.code).toBe('media-denied');
    });

    it('stops at media-denied when the camera alone is refused after the microphone was found missing', async () => {
      const call = startCall({ camera: 'denied', mic: 'missing' });
      call.actor.send({ type: 'ui.create' });
      await call.reach({ media: 'blocked' });
      expect(call.devices.requests).toHaveLength(3);
      expect(call.context().error?.code).toBe('media-denied');
    });

    it('stops at media-unavailable when there is neither camera nor microphone, and can go back to the lobby', async () => {
      const call = startCall({ camera: 'missing', mic: 'missing' });
      call.actor.send({ type: 'ui.create' });
      await call.reach({ media: 'blocked' });
      expect(call.devices.requests).toHaveLength(3);
      expect(call.context().error?.code).toBe('media-unavailable');

      call.actor.send({ type: 'ui.backToLobby' });
      expect(call.actor.getSnapshot().value).toBe('lobby');
      expect(call.context().error).toBeNull();
    });
  });

  describe('failure', () => {
    for (const code of ['room-full', 'room-not-found'] as const) {
      it(`fails with ${code} when the server refuses the join, and releases camera and socket`, async () => {
        const call = startCall();
        call.actor.send({ type: 'ui.join', roomId });
        await call.reach('joining');
        const stream = call.localStream();
        call.signaling.last.open();
        call.signaling.last.receive({ type: 'error', code, message: 'Refused.', ref: 'join' });

        expect(call.actor.getSnapshot().value).toBe('failed');
        expect(call.context().error).toEqual({ code, message: 'Refused.' });
        expect(stream?.getTracks().every((track) => track.readyState === 'ended')).toBe(true);
        expect(call.signaling.last.closedByClient).toBe(true);
      });
    }

    it('fails with signaling-lost when the socket closes while joining', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.create' });
      await call.reach('joining');
      call.signaling.last.drop();
      expect(call.actor.getSnapshot().value).toBe('failed');
      expect(call.context().error?.code).toBe('signaling-lost');
    });

    it('fails with signaling-lost when the server never answers', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.create' });
      await call.reach('joining');
      call.signaling.last.open();
      call.clock.increment(9_999);
      expect(call.actor.getSnapshot().matches('joining')).toBe(true);
      call.clock.increment(1);
      expect(call.context().error?.code).toBe('signaling-lost');
    });

    it('keeps retrying a peer whose connection found no path, while the call goes on', async () => {
      const call = startCall();
      await call.enter(['alice-peer', 'bob-peer'], roomId, { capacity: 3 });
      call.connections.connections[0]!.emit({ type: 'pc.connectionState', state: 'failed' });

      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.handshakes()).toEqual([['alice-peer', 'failed'], ['bob-peer', 'offering']]);
      expect(call.connections.connections[0]!.closed).toBe(false);
      call.connections.connections[0]!.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(call.handshakes()).toEqual([['alice-peer', 'connected'], ['bob-peer', 'offering']]);
    });

    it('says ice-failed for a peer whose connection refused a description while the call goes on, until that peer leaves', async () => {
      const call = startCall();
      await call.enter(['alice-peer', 'bob-peer'], roomId, { capacity: 3 });
      call.connections.connections[0]!.emit({ type: 'pc.error', operation: 'setRemoteDescription', message: 'Bad SDP.' });

      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.context().error).toMatchObject({ code: 'ice-failed', peerId: 'alice-peer' });
      expect(call.handshakes()).toEqual([['alice-peer', 'failed'], ['bob-peer', 'offering']]);

      call.signaling.last.receive({ type: 'peer-left', peerId: 'alice-peer' });
      expect(call.context().error).toBeNull();
      expect(call.handshakes()).toEqual([['bob-peer', 'offering']]);
    });

    /** A call that failed with room-full. */
    async function refused() {
      const call = startCall();
      call.actor.send({ type: 'ui.join', roomId });
      await call.reach('joining');
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'error', code: 'room-full', message: 'Full.', ref: 'join' });
      return call;
    }

    it('starts again from failed with a new room', async () => {
      const call = await refused();
      call.actor.send({ type: 'ui.create' });
      await call.reach('joining');
      expect(call.context().error).toBeNull();
      expect(call.signaling.sockets).toHaveLength(2);
    });

    it('tries another room from failed', async () => {
      const call = await refused();
      await call.enter([], 'another-room');
      expect(call.signaling.last.sent).toEqual([{ type: 'join', roomId: 'another-room' }]);
      expect(call.actor.getSnapshot().value).toBe('inCall');
    });

    it('goes back to the lobby from failed, the error cleared', async () => {
      const call = await refused();
      call.actor.send({ type: 'ui.backToLobby' });
      expect(call.actor.getSnapshot().value).toBe('lobby');
      expect(call.context().error).toBeNull();
    });
  });
});
