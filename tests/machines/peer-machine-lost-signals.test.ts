import { describe, expect, it } from 'vitest';
import { candidate, remote, startPeer } from '../support/fakes/start-peer.ts';

/** How long an answerer waits for the offer before asking again (the machine's `offerWait`). */
const offerWait = 5_000;

describe('peerMachine: signals lost on the way', () => {
  describe('an offer that never comes', () => {
    it('the answerer asks for it after a while, and again while it still does not come', () => {
      const peer = startPeer({ role: 'answerer' });
      peer.clock.increment(offerWait - 1);
      expect(peer.signals).toEqual([]);
      peer.clock.increment(1);
      expect(peer.signals).toEqual([{ wantOffer: true }]);
      peer.clock.increment(offerWait);
      expect(peer.signals).toEqual([{ wantOffer: true }, { wantOffer: true }]);
      expect(peer.state()).toBe('idle');
    });

    it('stops asking once the offer came, and answers it', () => {
      const peer = startPeer({ role: 'answerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.clock.increment(offerWait * 3);
      expect(peer.signals.filter((signal) => 'wantOffer' in signal)).toEqual([]);
      expect(peer.sentDescriptions()).toEqual(['answer']);
    });

    it('the offerer whose offer went unanswered makes a new one when asked', () => {
      const peer = startPeer({ role: 'offerer' });
      expect(peer.sentDescriptions()).toEqual(['offer']);
      peer.actor.send({ type: 'signal.wantOffer' });
      expect(peer.sentDescriptions()).toEqual(['offer', 'offer']);
      expect(peer.signals.at(-1)).toEqual({ description: { type: 'offer', sdp: 'v=0 fake offer 2' } });
      // The answer to the new offer completes the handshake as usual.
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      peer.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(peer.state()).toBe('connected');
    });

    it('the offerer still waiting for its camera offers when the camera comes, not before', () => {
      const peer = startPeer({ role: 'offerer', localStream: undefined });
      peer.actor.send({ type: 'signal.wantOffer' });
      expect(peer.state()).toBe('media');
      expect(peer.signals).toEqual([]);
    });
  });

  describe('candidates the connection refuses', () => {
    it('keeps the reason of a refused candidate for the page, and the call goes on', () => {
      const peer = startPeer({ role: 'offerer' });
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      peer.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      peer.connections.last.emit({ type: 'pc.error', operation: 'addCandidate', message: 'Unknown ufrag.' });
      expect(peer.actor.getSnapshot().context.candidateError).toBe('Unknown ufrag.');
      expect(peer.state()).toBe('connected');
    });

    it('says nothing of the candidates of an offer the impolite side ignored', () => {
      const peer = startPeer({ role: 'offerer' });
      peer.actor.send({ type: 'signal.description', description: remote('offer') });
      peer.actor.send({ type: 'signal.candidate', candidate: candidate(1) });
      peer.connections.last.emit({ type: 'pc.error', operation: 'addCandidate', message: 'No remote description.' });
      expect(peer.actor.getSnapshot().context.candidateError).toBeNull();
      // Once their answer to our offer is in place, a refused candidate is worth a word again.
      peer.actor.send({ type: 'signal.description', description: remote('answer') });
      peer.connections.last.emit({ type: 'pc.error', operation: 'addCandidate', message: 'Unknown ufrag.' });
      expect(peer.actor.getSnapshot().context.candidateError).toBe('Unknown ufrag.');
    });
  });
});
