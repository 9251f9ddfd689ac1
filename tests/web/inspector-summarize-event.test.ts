import { describe, expect, it } from 'vitest';
import type { AnyEventObject } from 'xstate';
import { summarizeEvent } from '../../web/lib/inspector/summarize-event.ts';

/** An SDP as a browser writes one (addresses included), padded to exactly `length` characters. */
function sdp(type: 'offer' | 'answer', length: number): string {
  const head = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 192.168.1.20',
    'a=candidate:842163049 1 udp 1677729535 203.0.113.7 56143 typ srflx raddr 192.168.1.20 rport 56143',
    `a=setup:${type === 'offer' ? 'actpass' : 'active'}`,
  ].join('\r\n');
  return `${head}\r\na=x-pad:${'0'.repeat(length - head.length - 12)}\r\n`;
}

const peerId = 'b7f3Kq9xZ2aW';

/** Candidate lines in the forms Chrome and Firefox send (RFC 8839), with real-looking addresses. */
const candidates = {
  hostUdp: { candidate: 'candidate:1 1 udp 2122260223 4c1a7f2e-0b3d-4e5f-8a9b-0c1d2e3f4a5b.local 51234 typ host generation 0 ufrag x9Yz network-id 1', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'x9Yz' },
  srflxUdp: { candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 56143 typ srflx raddr 192.168.1.20 rport 56143 generation 0', sdpMid: '0', sdpMLineIndex: 0 },
  relayTcp: { candidate: 'candidate:3 1 TCP 8331263 2001:db8::17 3478 typ relay raddr 0.0.0.0 rport 0 tcptype passive', sdpMid: '1', sdpMLineIndex: 1 },
  endOfCandidates: { candidate: '', sdpMid: '0', sdpMLineIndex: 0 },
};

/** Every event fixture below, for the privacy check. */
const fixtures: AnyEventObject[] = [
  { type: 'peer.signal', peerId, data: { description: { type: 'offer', sdp: sdp('offer', 5530) } } },
  { type: 'signal.description', description: { type: 'answer', sdp: sdp('answer', 3174) } },
  ...Object.values(candidates).map((candidate) => ({ type: 'peer.signal', peerId, data: { candidate } })),
  ...Object.values(candidates).map((candidate) => ({ type: 'signal.candidate', candidate })),
  { type: 'pc.error', operation: 'addCandidate', message: 'Error processing ICE candidate 203.0.113.7:56143 / [2001:db8::17]:3478' },
  { type: 'socket.message', message: { type: 'joined', roomId: '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', peerId: 'self', peers: [peerId], capacity: 2, resume: 'r'.repeat(22), iceServers: [{ urls: 'turn:198.51.100.4:3478', username: 'u', credential: 'secret' }] } },
];

describe('summarizeEvent', () => {
  describe('happy path', () => {
    it('says an offer was sent, to whom, and how big it is', () => {
      expect(summarizeEvent(fixtures[0]!)).toEqual({ type: 'peer.signal', text: 'offer sent, 5.4 KB', peerId, bytes: 5530 });
    });

    it('says an answer was received and how big it is', () => {
      expect(summarizeEvent(fixtures[1]!)).toEqual({ type: 'signal.description', text: 'answer received, 3.1 KB', bytes: 3174 });
    });

    it('gives small descriptions in bytes', () => {
      expect(summarizeEvent({ type: 'signal.description', description: { type: 'offer', sdp: 'v=0\r\n' } })?.text).toBe('offer received, 5 B');
    });

    it('names each candidate by type and transport, sent or received', () => {
      const sent = Object.values(candidates).map((candidate) => summarizeEvent({ type: 'peer.signal', peerId, data: { candidate } })?.text);
      expect(sent).toEqual(['host candidate udp sent', 'srflx candidate udp sent', 'relay candidate tcp sent', 'end of candidates sent']);
      expect(summarizeEvent({ type: 'signal.candidate', candidate: candidates.srflxUdp })).toEqual({
        type: 'signal.candidate',
        text: 'srflx candidate udp received',
        candidateType: 'srflx',
        protocol: 'udp',
      });
    });

    it('reads a null candidate as the end of candidates', () => {
      expect(summarizeEvent({ type: 'signal.candidate', candidate: null })?.text).toBe('end of candidates received');
      expect(summarizeEvent({ type: 'peer.signal', peerId, data: { candidate: null } })).toEqual({ type: 'peer.signal', text: 'end of candidates sent', peerId });
    });

    it('says how the connection goes', () => {
      expect(summarizeEvent({ type: 'pc.connectionState', state: 'connected' })?.text).toBe('ICE connected');
      expect(summarizeEvent({ type: 'pc.connectionState', state: 'failed' })?.text).toBe('ICE failed');
      expect(summarizeEvent({ type: 'pc.negotiationNeeded' })?.text).toBe('negotiation needed');
      expect(summarizeEvent({ type: 'pc.remoteDescription', descriptionType: 'answer' })?.text).toBe('remote answer applied');
    });

    it('names people arriving and leaving by the start of their id', () => {
      expect(summarizeEvent({ type: 'socket.message', message: { type: 'peer-joined', peerId } })).toEqual({ type: 'socket.message', text: 'peer-joined b7f3…', peerId });
      expect(summarizeEvent({ type: 'socket.message', message: { type: 'peer-left', peerId } })?.text).toBe('peer-left b7f3…');
      expect(summarizeEvent(fixtures.at(-1)!)?.text).toBe('joined room 0b7e…, 1 already here');
      expect(summarizeEvent({ type: 'socket.message', message: { type: 'error', code: 'room-full', message: 'The room is full.' } })?.text).toBe('error room-full');
    });

    it('says what the person asked for and what the page sent the server', () => {
      expect(summarizeEvent({ type: 'ui.create' })?.text).toBe('create a room');
      expect(summarizeEvent({ type: 'ui.join', roomId: '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b' })?.text).toBe('join room 0b7e…');
      expect(summarizeEvent({ type: 'ui.hangUp' })?.text).toBe('hang up');
      expect(summarizeEvent({ type: 'call.send', message: { type: 'join', roomId: 'r' } })?.text).toBe('join sent');
      expect(summarizeEvent({ type: 'call.send', message: { type: 'leave' } })?.text).toBe('leave sent');
      expect(summarizeEvent({ type: 'socket.closed', code: 1006 })?.text).toBe('socket closed, code 1006');
    });

    it('summarizes xstate\'s own events without the ids they carry', () => {
      expect(summarizeEvent({ type: 'xstate.after.iceTimeout.peer.active.connection.offering' })).toEqual({ type: 'xstate.after', text: 'iceTimeout elapsed' });
      expect(
        summarizeEvent({ type: 'xstate.done.actor.peer:self:b7f3Kq9xZ2aW', output: { peerId, error: { code: 'ice-failed', message: 'No network path' } } }),
      ).toEqual({ type: 'xstate.done.actor', text: 'handshake with b7f3… ended: ice-failed', peerId });
      expect(summarizeEvent({ type: 'xstate.error.actor.0.call.media.cameraAndMic', error: { code: 'media-denied', message: 'Permission denied.' } })).toEqual({
        type: 'xstate.error.actor',
        text: 'media-denied: Permission denied.',
      });
    });

    it('lists a remote stream by the kinds of its tracks', () => {
      const stream = { getTracks: () => [{ kind: 'video' }, { kind: 'audio' }] };
      expect(summarizeEvent({ type: 'pc.track', stream })?.text).toBe('remote audio and video');
    });

    it('still lists an event it does not know, by its type', () => {
      expect(summarizeEvent({ type: 'peer.somethingNew' })).toEqual({ type: 'peer.somethingNew', text: '' });
    });
  });

  describe('what it leaves out', () => {
    it('skips heartbeats, connection commands and events logged at another layer', () => {
      const skipped: AnyEventObject[] = [
        { type: 'socket.message', message: { type: 'pong' } },
        { type: 'socket.message', message: { type: 'signal', from: peerId, data: { candidate: null } } },
        { type: 'call.send', message: { type: 'ping' } },
        { type: 'call.send', message: { type: 'signal', to: peerId, data: { candidate: null } } },
        { type: 'pc.candidate', candidate: candidates.hostUdp },
        { type: 'pc.description', description: { type: 'offer', sdp: 'v=0' } },
        { type: 'peer.addCandidate', candidate: null },
        { type: 'peer.setLocalDescription' },
        { type: 'xstate.init' },
      ];
      expect(skipped.map(summarizeEvent)).toEqual(skipped.map(() => null));
    });

    it('never keeps an address, an SDP line or a credential', () => {
      const kept = JSON.stringify(fixtures.map(summarizeEvent));
      expect(kept).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/);
      expect(kept).not.toMatch(/2001:db8|\.local\b/);
      expect(kept).not.toMatch(/candidate:|a=|c=IN|secret|x9Yz/);
      expect(summarizeEvent(fixtures.find((event) => event.type === 'pc.error')!)?.text).toBe(
        'addCandidate failed: Error processing ICE candidate [address]:56143 / [[address]]:3478',
      );
    });

    it('never throws on events with missing or odd fields', () => {
      const odd: AnyEventObject[] = [
        { type: 'peer.signal' },
        { type: 'peer.signal', data: { description: 'offer' } },
        { type: 'signal.candidate', candidate: { candidate: 'garbage' } },
        { type: 'socket.message' },
        { type: 'pc.track', stream: null },
        { type: 'xstate.done.actor.x' },
        { type: 'xstate.error.actor.x', error: 'boom' },
      ];
      expect(() => odd.map(summarizeEvent)).not.toThrow();
      expect(summarizeEvent({ type: 'signal.candidate', candidate: { candidate: 'garbage' } })?.text).toBe('candidate received');
    });
  });
});
