import { describe, expect, it } from 'vitest';
import { createFakeStream } from '../support/fakes/fake-media.ts';
import { remote, startPeer } from '../support/fakes/start-peer.ts';

/** A connected peer whose data channel is open, with every signal sent so far forgotten. */
function connectedPeer(options: Parameters<typeof startPeer>[0] = { role: 'offerer' }) {
  const peer = startPeer(options);
  if (options.role === 'answerer') peer.actor.send({ type: 'signal.description', description: remote('offer') });
  else peer.actor.send({ type: 'signal.description', description: remote('answer') });
  const pc = peer.connections.last;
  pc.emit({ type: 'pc.connectionState', state: 'connected' });
  pc.emit({ type: 'pc.channelOpen' });
  peer.signals.length = 0;
  return { peer, pc };
}

describe('peerMachine: tracks added and removed mid-call', () => {
  describe('happy path', () => {
    it('sends a shared screen as a track of its own stream, names it on the channel, and offers', () => {
      const { peer, pc } = connectedPeer();
      const screen = createFakeStream('screen', { audio: false, video: true });
      peer.actor.send({ type: 'media.update', stream: peer.localStream!.asMediaStream(), screen: screen.asMediaStream() });
      expect([...pc.attachedTracks]).toEqual(['local-mic', 'local-camera', 'screen-camera']);
      expect(pc.sentMessages.at(-1)).toEqual({ type: 'screen', streamId: 'screen' });
      expect(peer.sentDescriptions()).toEqual(['offer']);
      expect(peer.state()).toBe('connected');
    });

    it('stops sending the screen when sharing stops, says so, and offers again', () => {
      const { peer, pc } = connectedPeer();
      const screen = createFakeStream('screen', { audio: false, video: true });
      peer.actor.send({ type: 'media.update', stream: peer.localStream!.asMediaStream(), screen: screen.asMediaStream() });
      peer.actor.send({ type: 'signal.description', description: remote('answer', 2) });
      peer.actor.send({ type: 'media.update', stream: peer.localStream!.asMediaStream(), screen: null });
      expect([...pc.attachedTracks]).toEqual(['local-mic', 'local-camera']);
      expect(pc.sentMessages.at(-1)).toEqual({ type: 'screen', streamId: '' });
      expect(peer.sentDescriptions()).toEqual(['offer', 'offer']);
    });

    it('sends a camera turned on after joining receive-only, offering from the answering side too', () => {
      const { peer, pc } = connectedPeer({ role: 'answerer', localStream: null });
      expect([...pc.attachedTracks]).toEqual([]);
      const camera = createFakeStream('late', { audio: false, video: true });
      peer.actor.send({ type: 'media.update', stream: camera.asMediaStream(), screen: null });
      expect([...pc.attachedTracks]).toEqual(['late-camera']);
      expect(peer.sentDescriptions()).toEqual(['offer']);
    });

    it('keeps a screen shared before the connection exists, and sends it with the first offer', () => {
      const peer = startPeer({ role: 'offerer', localStream: undefined });
      const camera = createFakeStream('local', { audio: true, video: true });
      const screen = createFakeStream('screen', { audio: false, video: true });
      peer.actor.send({ type: 'media.update', stream: camera.asMediaStream(), screen: screen.asMediaStream() });
      expect([...peer.connections.last.attachedTracks]).toEqual(['local-mic', 'local-camera', 'screen-camera']);
      expect(peer.sentDescriptions()).toEqual(['offer']);
    });
  });

  describe('what the remote peer sends', () => {
    it('tells their screen from their camera by the stream their screen message names, in either order', () => {
      for (const messageFirst of [true, false]) {
        const { peer, pc } = connectedPeer();
        const camera = pc.receiveTrack('video');
        const screen = createFakeStream('their-screen', { audio: false, video: true });
        const name = () => pc.emit({ type: 'pc.message', message: { type: 'screen', streamId: 'their-screen' } });
        if (messageFirst) name();
        pc.emit({ type: 'pc.track', streamId: 'their-screen', stream: screen.asMediaStream() });
        if (!messageFirst) name();
        const { remoteStream, remoteScreen } = peer.actor.getSnapshot().context;
        expect(remoteStream).toBe(camera);
        expect(remoteScreen).toBe(screen);
      }
    });

    it('shows no screen once they stop sharing, whether the track or the message goes first', () => {
      const { peer, pc } = connectedPeer();
      pc.receiveTrack('video');
      pc.emit({ type: 'pc.message', message: { type: 'screen', streamId: 'their-screen' } });
      pc.emit({ type: 'pc.track', streamId: 'their-screen', stream: createFakeStream('their-screen', { audio: false, video: true }).asMediaStream() });
      pc.emit({ type: 'pc.track', streamId: 'their-screen', stream: createFakeStream('their-screen', { audio: false, video: false }).asMediaStream() });
      expect(peer.actor.getSnapshot().context.remoteScreen).toBeNull();
      pc.emit({ type: 'pc.track', streamId: 'their-screen', stream: createFakeStream('their-screen', { audio: false, video: true }).asMediaStream() });
      pc.emit({ type: 'pc.message', message: { type: 'screen', streamId: '' } });
      expect(peer.actor.getSnapshot().context.remoteScreen).toBeNull();
    });

    it('keeps the fingerprints of the descriptions it received', () => {
      const peer = startPeer({ role: 'answerer' });
      const sdp = 'v=0\r\na=fingerprint:SHA-256 ab:cd:ef\r\n';
      peer.actor.send({ type: 'signal.description', description: { type: 'offer', sdp } });
      expect(peer.actor.getSnapshot().context.fingerprints).toEqual({ local: null, remote: 'sha-256 AB:CD:EF' });
    });
  });
});
