import { describe, expect, it } from 'vitest';
import { createFakeStream } from '../support/fakes/fake-media.ts';
import { candidate, remote, startPeer } from '../support/fakes/start-peer.ts';

describe('peerMachine', () => {
  describe('happy path: offering side (the newcomer)', () => {
    it('attaches its camera and mic, sends an offer once the connection asks, and connects on the answer', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;

      expect(peer.state()).toBe('offering');
      expect(pc.input.polite).toBe(false);
      expect([...pc.attachedTracks]).toEqual(['local-mic', 'local-camera']);
      expect(peer.signals).toEqual([{ description: { type: 'offer', sdp: 'v=0 fake offer 1' } }]);

      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      expect(pc.remoteDescription).toEqual(remote('answer'));
      expect(peer.state()).toBe('offering');

      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
    });

    it('uses the ICE servers from the room for its connection', () => {
      const peer = startPeer({ role: 'offerer' });
      expect(peer.connections.last.input.iceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }]);
    });

    it('sends an offer only after setLocalDescription() resolved', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      pc.paused = true;
      pc.emit({ type: 'pc.negotiationNeeded' });
      expect(pc.commandTypes().at(-1)).toBe('peer.setLocalDescription');
      expect(peer.sentDescriptions()).toEqual(['offer']);
      pc.flush();
      expect(peer.sentDescriptions()).toEqual(['offer', 'offer']);
    });

    it('makes an offer asked for during another round once that round is over', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      pc.emit({ type: 'pc.negotiationNeeded' });
      expect(peer.sentDescriptions()).toEqual(['offer']);
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      expect(peer.sentDescriptions()).toEqual(['offer', 'offer']);
      expect(peer.actor.getSnapshot().context.offerWanted).toBe(false);
    });

    it('asks to receive audio and video even when it sends nothing', () => {
      const peer = startPeer({ role: 'offerer', localStream: null });
      const pc = peer.connections.last;
      expect([...pc.receiveKinds]).toEqual(['audio', 'video']);
      expect(pc.attachedTracks.size).toBe(0);
      expect(peer.sentDescriptions()).toEqual(['offer']);
    });

    it('asks to receive video when it has only a microphone', () => {
      const peer = startPeer({ role: 'offerer', localStream: createFakeStream('local', { audio: true, video: false }) });
      expect([...peer.connections.last.receiveKinds]).toEqual(['video']);
    });

    it('waits in media until local media is decided, then offers', () => {
      const peer = startPeer({ role: 'offerer', localStream: undefined });
      expect(peer.state()).toBe('media');
      // The connection is there already, with nothing to negotiate yet.
      expect(peer.connections.connections).toHaveLength(1);
      expect(peer.connections.last.commands).toEqual([]);

      const stream = createFakeStream('late', { audio: true, video: true });
      peer.actor.send({ type: 'media.ready', stream: stream.asMediaStream() });
      expect(peer.state()).toBe('offering');
      expect([...peer.connections.last.attachedTracks]).toEqual(['late-mic', 'late-camera']);
      expect(peer.sentDescriptions()).toEqual(['offer']);
    });
  });

  describe('happy path: answering side (already in the room)', () => {
    it('waits in idle for the offer, applies it before attaching its tracks, and sends the answer', () => {
      const peer = startPeer({ role: 'answerer' });
      expect(peer.state()).toBe('idle');
      // Made as soon as the peer is known, so it is ready when the offer comes; no tracks before it.
      expect(peer.connections.connections).toHaveLength(1);
      const pc = peer.connections.last;
      expect(pc.commands).toEqual([]);

      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      expect(peer.connections.connections).toHaveLength(1);
      expect(peer.state()).toBe('answering');
      expect(pc.input.polite).toBe(true);
      expect(pc.commandTypes()).toEqual(['peer.setRemoteDescription', 'peer.attachMedia', 'peer.setLocalDescription']);
      expect([...pc.attachedTracks]).toEqual(['local-mic', 'local-camera']);
      expect(peer.signals).toEqual([{ description: { type: 'answer', sdp: 'v=0 fake answer 1' } }]);

      pc.emit({ type: 'pc.connectionState', state: 'connecting' });
      expect(peer.state()).toBe('answering');
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
    });

    it('never offers on its own before the offer came: who offers stays the newcomer', () => {
      const peer = startPeer({ role: 'answerer' });
      const pc = peer.connections.last;
      // A browser may ask for an offer as soon as the connection exists; the answerer waits for theirs.
      pc.emit({ type: 'pc.negotiationNeeded' });
      expect(peer.state()).toBe('idle');
      expect(pc.commands).toEqual([]);
      expect(peer.signals).toEqual([]);

      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      expect(pc.commandTypes()).toEqual(['peer.setRemoteDescription', 'peer.attachMedia', 'peer.setLocalDescription']);
      expect(peer.sentDescriptions()).toEqual(['answer']);
    });

    it('hands the send limit and fresh ICE servers told before the offer to its connection at once', () => {
      const peer = startPeer({ role: 'answerer' });
      const pc = peer.connections.last;
      const limit = { maxBitrate: 300_000, scaleResolutionDownBy: 2 };
      const iceServers = [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }];
      peer.actor.send({ type: 'media.sendLimit', limit });
      peer.actor.send({ type: 'ice.servers', iceServers });
      expect(pc.sendLimit).toEqual(limit);
      expect(pc.iceServers).toEqual(iceServers);
      expect(peer.state()).toBe('idle');
    });

    it('closes its connection when the peer leaves before offering', () => {
      const peer = startPeer({ role: 'answerer' });
      const pc = peer.connections.last;
      peer.actor.send({ type: 'peer.close' });
      expect(peer.state()).toBe('closed');
      expect(pc.closed).toBe(true);
    });

    it('keeps an offer that arrives before its media is ready and answers once it is', () => {
      const peer = startPeer({ role: 'answerer', localStream: undefined });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      expect(peer.state()).toBe('media');
      expect(peer.connections.last.commands).toEqual([]);
      expect(peer.signals).toEqual([]);

      const stream = createFakeStream('late', { audio: true, video: false });
      peer.actor.send({ type: 'media.ready', stream: stream.asMediaStream() });
      const pc = peer.connections.last;
      expect(peer.state()).toBe('answering');
      expect(pc.remoteDescription).toEqual(remote('offer'));
      expect([...pc.attachedTracks]).toEqual(['late-mic']);
      expect(peer.sentDescriptions()).toEqual(['answer']);
    });

    it('answers an offer that reaches an offering peer before its media is ready, instead of offering', () => {
      const peer = startPeer({ role: 'offerer', localStream: undefined });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      expect(peer.state()).toBe('media');
      peer.actor.send({ type: 'media.ready', stream: null });
      expect(peer.state()).toBe('answering');
      expect(peer.sentDescriptions()).toEqual(['answer']);
    });

    it('answers without tracks when it only receives', () => {
      const peer = startPeer({ role: 'answerer', localStream: null });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      const pc = peer.connections.last;
      expect(pc.attachedTracks.size).toBe(0);
      expect(peer.sentDescriptions()).toEqual(['answer']);
    });
  });

  describe('happy path: candidates and media', () => {
    it('queues candidates that come before the offer and applies them in order after it', () => {
      const peer = startPeer({ role: 'answerer', localStream: undefined });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(1) });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(2) });
      peer.actor.send({ type: 'signal.candidate', candidate: null });
      expect(peer.actor.getSnapshot().context.pendingCandidates).toHaveLength(3);

      peer.actor.send({ type: 'media.ready', stream: null });
      const pc = peer.connections.last;
      expect(pc.candidates).toEqual([candidate(1), candidate(2), null]);
      const types = pc.commandTypes();
      expect(types.indexOf('peer.setRemoteDescription')).toBeLessThan(types.indexOf('peer.addCandidate'));
      expect(peer.actor.getSnapshot().context.pendingCandidates).toEqual([]);
    });

    it('queues candidates that come while the answer is still being applied', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      pc.paused = true;
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(1) });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(2) });
      expect(pc.candidates).toEqual([]);

      pc.flush();
      expect(pc.candidates).toEqual([candidate(1), candidate(2)]);
    });

    it('applies candidates at once after the remote description is in place', () => {
      const peer = startPeer({ role: 'answerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(7) });
      expect(peer.connections.last.candidates).toEqual([candidate(7)]);
      expect(peer.actor.getSnapshot().context.pendingCandidates).toEqual([]);
    });

    it('sends its own candidates, and the end of them, to the remote peer', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      pc.emit({ type: 'pc.candidate', candidate: candidate(3) });
      pc.emit({ type: 'pc.candidate', candidate: null });
      expect(peer.signals.slice(1)).toEqual([{ candidate: candidate(3) }, { candidate: null }]);
    });

    it('exposes the remote stream once a remote track arrives', () => {
      const peer = startPeer({ role: 'offerer' });
      expect(peer.actor.getSnapshot().context.remoteStream).toBeNull();
      const stream = peer.connections.last.receiveTrack('video');
      expect(peer.actor.getSnapshot().context.remoteStream).toBe(stream);
    });
  });

  describe('colliding offers (perfect negotiation)', () => {
    /** An answering peer that is connected and starts an offer of its own. */
    function politeRenegotiating() {
      const peer = startPeer({ role: 'answerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer', 1) });
      const pc = peer.connections.last;
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      return { peer, pc };
    }

    it('the polite side rolls back its own offer while it is being made and answers theirs', () => {
      const { peer, pc } = politeRenegotiating();
      pc.paused = true;
      pc.emit({ type: 'pc.negotiationNeeded' });
      peer.actor.send({ type: 'signal.description', description: remote('offer', 2) });
      pc.flush();

      expect(pc.commandTypes().slice(-5)).toEqual([
        'peer.setLocalDescription',
        'peer.rollback',
        'peer.setRemoteDescription',
        'peer.attachMedia',
        'peer.setLocalDescription',
      ]);
      expect(pc.remoteDescription).toEqual(remote('offer', 2));
      // Its own offer never leaves; the answer to theirs does.
      expect(peer.sentDescriptions()).toEqual(['answer', 'answer']);
      expect(peer.state()).toBe('connected');
    });

    it('the polite side rolls back an offer already sent when theirs arrives', () => {
      const { peer, pc } = politeRenegotiating();
      pc.emit({ type: 'pc.negotiationNeeded' });
      expect(peer.sentDescriptions()).toEqual(['answer', 'offer']);

      peer.actor.send({ type: 'signal.description', description: remote('offer', 2) });
      expect(pc.commandTypes()).toContain('peer.rollback');
      expect(pc.signalingState).toBe('stable');
      expect(peer.sentDescriptions()).toEqual(['answer', 'offer', 'answer']);
    });

    it('the impolite side ignores a colliding offer and waits for the answer to its own', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(1) });

      expect(pc.commandTypes()).not.toContain('peer.rollback');
      expect(pc.remoteDescription).toBeNull();
      expect(peer.sentDescriptions()).toEqual(['offer']);

      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
    });

    it('answers an offer that comes right behind the answer to its own offer, without rolling back', () => {
      const peer = startPeer({ role: 'answerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer', 1) });
      const pc = peer.connections.last;
      pc.emit({ type: 'pc.negotiationNeeded' });
      pc.paused = true;
      peer.actor.send({ type: 'signal.description', description: remote('answer', 2) });
      peer.actor.send({ type: 'signal.description', description: remote('offer', 3) });
      pc.flush();

      expect(pc.commandTypes()).not.toContain('peer.rollback');
      expect(pc.remoteDescription).toEqual(remote('offer', 3));
      expect(peer.sentDescriptions()).toEqual(['answer', 'offer', 'answer']);
      expect(peer.actor.getSnapshot().matches({ active: { negotiation: 'stable' } })).toBe(true);
    });

    it('a candidate the connection refuses does not end the handshake', () => {
      const peer = startPeer({ role: 'offerer' });
      peer.connections.last.emit({ type: 'pc.error', operation: 'addCandidate', message: 'Unknown ufrag.' });
      expect(peer.state()).toBe('offering');
      expect(peer.actor.getSnapshot().context.error).toBeNull();
    });

    it('answers a renegotiation offer from the other side while staying connected', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      peer.actor.send({ type: 'signal.description', description: remote('offer', 2) });
      expect(peer.sentDescriptions()).toEqual(['offer', 'answer']);
      expect(peer.state()).toBe('connected');
    });
  });

  describe('failure', () => {
    it('says ice-failed when the connection fails before connecting, keeps it, and retries by ICE restart', () => {
      const peer = startPeer({ role: 'offerer' });
      const pc = peer.connections.last;
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      pc.emit({ type: 'pc.connectionState', state: 'failed' });
      expect(peer.state()).toBe('failed');
      expect(peer.actor.getSnapshot().context.error?.code).toBe('ice-failed');
      expect(pc.closed).toBe(false);
      expect(pc.commandTypes().filter((type) => type === 'peer.restartIce')).toHaveLength(1);
      peer.clock.increment(10_000);
      expect(pc.commandTypes().filter((type) => type === 'peer.restartIce')).toHaveLength(2);

      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
      expect(peer.actor.getSnapshot().context.error).toBeNull();
    });

    it('says ice-failed when no connection comes up in time, and keeps trying', () => {
      const peer = startPeer({ role: 'answerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.clock.increment(29_999);
      expect(peer.state()).toBe('answering');
      peer.clock.increment(1);
      expect(peer.state()).toBe('failed');
      expect(peer.actor.getSnapshot().context.error?.code).toBe('ice-failed');
      expect(peer.connections.last.closed).toBe(false);
      expect(peer.connections.last.commandTypes()).toContain('peer.restartIce');
    });

    it('forgets a failure to reach a peer once that peer left', () => {
      const peer = startPeer({ role: 'answerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.connections.last.emit({ type: 'pc.connectionState', state: 'failed' });
      peer.actor.send({ type: 'peer.close' });
      expect(peer.state()).toBe('closed');
      expect(peer.actor.getSnapshot().output).toEqual({ peerId: 'remote-peer-1', error: null });
      expect(peer.connections.last.closed).toBe(true);
    });

    it('fails with ice-failed when the browser refuses a description', () => {
      const peer = startPeer({ role: 'offerer' });
      peer.connections.last.emit({ type: 'pc.error', operation: 'setRemoteDescription', message: 'Bad SDP.' });
      expect(peer.state()).toBe('failed');
      expect(peer.actor.getSnapshot().context.error).toEqual({ code: 'ice-failed', message: 'setRemoteDescription failed: Bad SDP.' });
    });
  });

  describe('reconnecting', () => {
    function connected(role: 'offerer' | 'answerer') {
      const peer = startPeer({ role });
      if (role === 'offerer') peer.actor.send({ type: 'signal.description', description: remote('answer') });
      else peer.actor.send({ type: 'signal.description', description: remote('offer') });
      const pc = peer.connections.last;
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      return { peer, pc };
    }

    it('restarts ICE when the connection fails, from either side, and is connected again once it is back', () => {
      for (const role of ['offerer', 'answerer'] as const) {
        const { peer, pc } = connected(role);
        pc.emit({ type: 'pc.connectionState', state: 'failed' });
        expect(peer.state(), role).toBe('reconnecting');
        expect(pc.commandTypes().filter((type) => type === 'peer.restartIce'), role).toHaveLength(1);
        pc.emit({ type: 'pc.connectionState', state: 'connected' });
        expect(peer.state(), role).toBe('connected');
      }
    });

    it('gives a disconnected connection a moment to heal before restarting ICE', () => {
      const { peer, pc } = connected('offerer');
      pc.emit({ type: 'pc.connectionState', state: 'disconnected' });
      expect(peer.state()).toBe('reconnecting');
      peer.clock.increment(1_999);
      expect(pc.commandTypes()).not.toContain('peer.restartIce');
      peer.clock.increment(1);
      expect(pc.commandTypes()).toContain('peer.restartIce');
      expect(peer.sentDescriptions()).toEqual(['offer', 'offer']);

      peer.actor.send({ type: 'signal.description', description: remote('answer', 2) });
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
    });

    it('does not restart a connection that healed by itself', () => {
      const { peer, pc } = connected('answerer');
      pc.emit({ type: 'pc.connectionState', state: 'disconnected' });
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      peer.clock.increment(60_000);
      expect(pc.commandTypes()).not.toContain('peer.restartIce');
      expect(peer.state()).toBe('connected');
    });

    it('the polite side answers a restart offer that collides with its own', () => {
      const { peer, pc } = connected('answerer');
      pc.emit({ type: 'pc.connectionState', state: 'failed' });
      peer.actor.send({ type: 'signal.description', description: remote('offer', 2) });
      expect(pc.commandTypes()).toContain('peer.rollback');
      expect(peer.sentDescriptions().at(-1)).toBe('answer');
      pc.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
    });

    it('keeps restarting ICE while the connection stays down, never giving up on its own', () => {
      const { peer, pc } = connected('offerer');
      pc.emit({ type: 'pc.connectionState', state: 'failed' });
      peer.clock.increment(10_000);
      peer.clock.increment(10_000);
      expect(pc.commandTypes().filter((type) => type === 'peer.restartIce')).toHaveLength(3);
      pc.emit({ type: 'pc.connectionState', state: 'failed' });
      expect(pc.commandTypes().filter((type) => type === 'peer.restartIce')).toHaveLength(4);
      peer.clock.increment(10 * 60_000);
      expect(peer.state()).toBe('reconnecting');
      expect(peer.actor.getSnapshot().status).toBe('active');
      expect(pc.closed).toBe(false);
    });
  });

  describe('closing', () => {
    const setups = {
      idle: () => startPeer({ role: 'answerer' }),
      media: () => startPeer({ role: 'offerer', localStream: undefined }),
      offering: () => startPeer({ role: 'offerer' }),
      answering: () => {
        const peer = startPeer({ role: 'answerer' });
        peer.actor.send({ type: 'signal.description', description: remote('offer') });
        return peer;
      },
      connected: () => {
        const peer = startPeer({ role: 'offerer' });
        peer.actor.send({ type: 'signal.description', description: remote('answer') });
        peer.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
        return peer;
      },
      reconnecting: () => {
        const peer = startPeer({ role: 'offerer' });
        peer.actor.send({ type: 'signal.description', description: remote('answer') });
        peer.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
        peer.connections.last.emit({ type: 'pc.connectionState', state: 'disconnected' });
        return peer;
      },
    } as const;

    for (const [state, setUp] of Object.entries(setups)) {
      it(`closes from ${state}: the handshake reads closed and its connection is closed`, () => {
        const peer = setUp();
        expect(peer.state()).toBe(state);
        peer.actor.send({ type: 'peer.close' });
        expect(peer.state()).toBe('closed');
        expect(peer.actor.getSnapshot().status).toBe('done');
        for (const pc of peer.connections.connections) expect(pc.closed).toBe(true);
      });
    }

    it('reads closed once the machine is stopped from outside', () => {
      const peer = startPeer({ role: 'offerer' });
      peer.actor.stop();
      expect(peer.state()).toBe('closed');
      expect(peer.connections.last.closed).toBe(true);
    });
  });
});
