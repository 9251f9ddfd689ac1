import { encodePeerMessage, type PeerMessage } from '../../../protocol/peer-messages.ts';

/** One remote peer's live connection, as the chat, file and stats features use it. */
export interface PeerLink {
  peerId: string;
  pc: RTCPeerConnection;
  /** The `parley` channel (negotiated, id 0), shared with the peer machine's status messages. */
  channel: RTCDataChannel;
}

/** What a feature hears from the links; every callback is optional. */
export interface PeerLinkListener {
  /** A chat (or other non-status) message on a peer's `parley` channel. */
  message?(peerId: string, message: PeerMessage): void;
  /** A data channel the remote peer opened (a file transfer's own channel). */
  channel?(peerId: string, channel: RTCDataChannel): void;
  /** A connection to a peer was registered. */
  linked?(peerId: string): void;
}

/**
 * The page's registry of remote peers' connections, filled by the peer connection actor
 * (web/lib/actors/peer-connection.ts) while each lives. Chat, files and stats need the data
 * channel and `getStats()`, which are I/O the peer machine neither needs nor should carry;
 * through this registry they reach them without adding a message round trip per chunk to
 * the statechart. One registry per page, created with the call.
 */
export class PeerLinks {
  readonly #links = new Map<string, PeerLink>();
  readonly #listeners = new Set<PeerLinkListener>();

  /** Registers a peer's connection; returns what unregisters it (when the actor stops). */
  add(link: PeerLink): () => void {
    this.#links.set(link.peerId, link);
    for (const listener of this.#listeners) listener.linked?.(link.peerId);
    return () => {
      if (this.#links.get(link.peerId) === link) this.#links.delete(link.peerId);
    };
  }

  /** The connection to `peerId`, while there is one. */
  get(peerId: string): PeerLink | undefined {
    return this.#links.get(peerId);
  }

  /** Every registered connection, oldest first. */
  get all(): PeerLink[] {
    return [...this.#links.values()];
  }

  /** Starts telling `listener` what arrives; returns what stops it. */
  listen(listener: PeerLinkListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called by the actor for each message that is not the peer machine's. */
  deliver(peerId: string, message: PeerMessage): void {
    for (const listener of this.#listeners) listener.message?.(peerId, message);
  }

  /** Called by the actor for each channel the remote peer opened. */
  deliverChannel(peerId: string, channel: RTCDataChannel): void {
    for (const listener of this.#listeners) listener.channel?.(peerId, channel);
  }

  /** Sends `message` to every peer whose channel is open; returns how many it went to. */
  broadcast(message: PeerMessage): number {
    const text = encodePeerMessage(message);
    let sent = 0;
    for (const { channel } of this.#links.values()) {
      if (channel.readyState !== 'open') continue;
      channel.send(text);
      sent++;
    }
    return sent;
  }
}
