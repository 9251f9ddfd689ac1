import { fromCallback } from 'xstate';
import type {
  PeerConnectionCommand,
  PeerConnectionEvent,
  PeerConnectionInput,
  PeerConnectionOperation,
} from '../../../machines/peer/peer-connection-contract.ts';
import type { SendLimit } from '../../../machines/peer/send-limit.ts';
import { encodePeerMessage, parsePeerMessage, peerChannel } from '../../../protocol/peer-messages.ts';
import type { PeerLinks } from './peer-links.ts';
import { limitSenders } from './send-limits.ts';
import { withoutVideoSsrcs } from './unsignaled-video.ts';

/** What the actor needs from the platform; the browser's by default, another WebRTC stack in tests. */
export interface PeerConnectionPlatform {
  createPeerConnection(configuration: RTCConfiguration): RTCPeerConnection;
  createStream(tracks: MediaStreamTrack[]): MediaStream;
}

const browserPlatform: PeerConnectionPlatform = {
  createPeerConnection: (configuration) => new RTCPeerConnection(configuration),
  createStream: (tracks) => new MediaStream(tracks),
};

function errorMessage(error: unknown): string {
  return error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Stops sending a screen no longer shared, attaches the tracks not sent yet (a screen's in its
 * own stream, so the other side can tell it by its msid), and asks to receive the kinds that
 * have no transceiver. `screenTracks` remembers which senders carry a screen.
 */
function attachMedia(pc: RTCPeerConnection, command: Extract<PeerConnectionCommand, { type: 'peer.attachMedia' }>, screenTracks: Set<MediaStreamTrack>): void {
  const screen = command.screen?.getTracks() ?? [];
  for (const sender of pc.getSenders()) {
    if (sender.track && screenTracks.has(sender.track) && !screen.includes(sender.track)) {
      screenTracks.delete(sender.track);
      pc.removeTrack(sender);
    }
  }
  const sending = new Set(pc.getSenders().map((sender) => sender.track));
  for (const stream of [command.stream, command.screen]) {
    for (const track of stream?.getTracks() ?? []) {
      if (!sending.has(track)) pc.addTrack(track, stream as MediaStream);
    }
  }
  for (const track of screen) screenTracks.add(track);
  for (const kind of command.receive) {
    const present = pc.getTransceivers().some((transceiver) => transceiver.receiver.track.kind === kind);
    if (!present) pc.addTransceiver(kind, { direction: 'recvonly' });
  }
}

/**
 * Sends `track` in place of the camera's or microphone's track of its kind, on the same
 * transceiver: no new offer. A shared screen's picture and sound are not replaced.
 */
async function replaceSending(pc: RTCPeerConnection, track: MediaStreamTrack, screenTracks: Set<MediaStreamTrack>): Promise<void> {
  const sender = pc.getSenders().find((candidate) => candidate.track?.kind === track.kind && !screenTracks.has(candidate.track));
  if (sender) await sender.replaceTrack(track);
}

/** How every connection is set up, the same for the whole page. */
export interface PeerConnectionOptions {
  /**
   * Only relayed (TURN) paths, never a direct one (`iceTransportPolicy: 'relay'`): hides the
   * person's addresses from the others, and proves a TURN deployment works.
   */
  relayOnly?: boolean;
  /** Where each connection is registered for chat, files and stats, by the remote peer's id. */
  links?: PeerLinks;
}

/**
 * Builds the peer machine's `peerConnection` actor: one RTCPeerConnection, driven by commands
 * and reporting back as events (contract: machines/peer/peer-connection-contract.ts). Commands run
 * one after the other, so each starts once the previous one's promise settled, and every
 * report is sent after the operation it reports resolved (a description is only signalled
 * once setLocalDescription() is done). Decisions (who offers, glare, queues) are the machine's.
 */
export function createPeerConnectionActor(platform: PeerConnectionPlatform = browserPlatform, options: PeerConnectionOptions = {}) {
  return fromCallback<PeerConnectionCommand, PeerConnectionInput>(({ input, sendBack, receive }) => {
    const pc = platform.createPeerConnection({
      iceServers: input.iceServers,
      // One transport for audio, video and data from the first offer: the default ('balanced')
      // has the offerer gather candidates for a transport per kind until the answer bundles
      // them, three times the candidates to find, signal and add, all thrown away.
      bundlePolicy: 'max-bundle',
      ...(options.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
    });
    // Remote tracks by the id of the remote stream they came in (camera and microphone, or a screen).
    const remoteTracks = new Map<string, MediaStreamTrack[]>();
    const screenTracks = new Set<MediaStreamTrack>();
    const watchedStreams = new WeakSet<MediaStream>();
    // One data channel per peer, created by both sides with the same id (negotiated), so neither
    // waits for the other's `datachannel` event and it travels in the first offer. It is made
    // with the first media or remote description, not with the connection: a connection made
    // early, while its peer's offer is on the way, must not ask for an offer of its own.
    let channel: RTCDataChannel | undefined;
    let unlink: (() => void) | undefined;
    let sendLimit = input.sendLimit ?? null;
    const limitGiven = new WeakMap<RTCRtpSender, SendLimit>();
    // A local offer was just rolled back (glare): the next remote offer needs the workaround.
    let rolledBack = false;
    let closed = false;
    let queue: Promise<void> = Promise.resolve();

    const report = (event: PeerConnectionEvent) => {
      if (!closed) sendBack(event);
    };
    const run = (operation: PeerConnectionOperation, task: () => Promise<void> | void) => {
      queue = queue.then(async () => {
        if (closed) return;
        try {
          await task();
        } catch (error) {
          report({ type: 'pc.error', operation, message: errorMessage(error) });
        }
      });
    };

    /** After each description the senders may have new encodings: limit them (a refusal is reported, harmless). */
    const applySendLimit = () =>
      limitSenders(pc, sendLimit, limitGiven).catch((error: unknown) => report({ type: 'pc.error', operation: 'setSendLimit', message: errorMessage(error) }));

    pc.addEventListener('negotiationneeded', () => report({ type: 'pc.negotiationNeeded' }));
    pc.addEventListener('icecandidate', ({ candidate }) => report({ type: 'pc.candidate', candidate: candidate ? candidate.toJSON() : null }));
    pc.addEventListener('connectionstatechange', () => report({ type: 'pc.connectionState', state: pc.connectionState }));
    const links = options.links;
    const openChannel = (): void => {
      if (channel) return;
      channel = pc.createDataChannel(peerChannel.label, { negotiated: true, id: peerChannel.id });
      channel.addEventListener('open', () => report({ type: 'pc.channelOpen' }));
      unlink = links && input.peerId !== undefined ? links.add({ peerId: input.peerId, pc, channel }) : undefined;
      channel.addEventListener('message', ({ data }) => {
        const message = parsePeerMessage(data);
        // Status and the screen's stream are the peer machine's; chat and the rest are the page's.
        if (message?.type === 'status' || message?.type === 'screen') report({ type: 'pc.message', message });
        else if (message && input.peerId !== undefined) links?.deliver(input.peerId, message);
      });
    };
    pc.addEventListener('datachannel', ({ channel: opened }) => {
      if (input.peerId !== undefined) links?.deliverChannel(input.peerId, opened);
    });
    // A new stream object each time, so a <video> given it picks up the added or removed track.
    const reportStream = (streamId: string) =>
      report({ type: 'pc.track', streamId, stream: platform.createStream([...(remoteTracks.get(streamId) ?? [])]) });
    pc.addEventListener('track', ({ track, streams }) => {
      const source = streams[0];
      const streamId = source?.id ?? '';
      const tracks = remoteTracks.get(streamId) ?? [];
      if (tracks.includes(track)) return;
      remoteTracks.set(streamId, [...tracks, track]);
      // The peer stopped sending it (a screen share ended): the browser takes it out of the stream.
      if (source && !watchedStreams.has(source)) {
        watchedStreams.add(source);
        source.addEventListener('removetrack', (event) => {
          remoteTracks.set(streamId, (remoteTracks.get(streamId) ?? []).filter((kept) => kept !== event.track));
          reportStream(streamId);
        });
      }
      reportStream(streamId);
    });

    receive((command) => {
      switch (command.type) {
        case 'peer.attachMedia':
          return run('attachMedia', () => {
            openChannel();
            attachMedia(pc, command, screenTracks);
          });
        case 'peer.setLocalDescription':
          return run('setLocalDescription', async () => {
            await pc.setLocalDescription();
            const description = pc.localDescription;
            if (description) report({ type: 'pc.description', description: { type: description.type, sdp: description.sdp } });
            await applySendLimit();
          });
        case 'peer.setRemoteDescription':
          return run('setRemoteDescription', async () => {
            openChannel();
            const { description } = command;
            const afterRollback = rolledBack && description.type === 'offer';
            if (description.type === 'offer') rolledBack = false;
            await pc.setRemoteDescription(afterRollback ? { type: 'offer', sdp: withoutVideoSsrcs(description.sdp ?? '') } : description);
            report({ type: 'pc.remoteDescription', descriptionType: description.type });
            await applySendLimit();
          });
        case 'peer.rollback':
          return run('rollback', async () => {
            if (pc.signalingState !== 'have-local-offer') return;
            await pc.setLocalDescription({ type: 'rollback' });
            rolledBack = true;
          });
        case 'peer.addCandidate':
          // No argument marks the end of the remote candidates.
          return run('addCandidate', () => (command.candidate ? pc.addIceCandidate(command.candidate) : pc.addIceCandidate()));
        case 'peer.restartIce':
          return run('restartIce', () => pc.restartIce());
        case 'peer.setSendLimit':
          sendLimit = command.limit;
          return run('setSendLimit', () => limitSenders(pc, command.limit, limitGiven));
        case 'peer.replaceTrack':
          return run('replaceTrack', () => replaceSending(pc, command.track, screenTracks));
        case 'peer.sendMessage':
          return run('sendMessage', () => {
            if (channel?.readyState === 'open') channel.send(encodePeerMessage(command.message));
          });
        case 'peer.setIceServers':
          return run('setIceServers', () => pc.setConfiguration({ ...pc.getConfiguration(), iceServers: command.iceServers }));
      }
    });

    return () => {
      closed = true;
      unlink?.();
      pc.close();
    };
  });
}

/** The peer machine's `peerConnection` with the browser's RTCPeerConnection. */
export const peerConnection = createPeerConnectionActor();
