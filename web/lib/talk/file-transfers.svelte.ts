import { maxFileBytes, type FileOfferMessage } from '../../../protocol/peer-messages.ts';
import { receiveFile, sendFile, sha256Hex, type FileOutcome, type FileTransferHandle } from '../actors/file-channel.ts';
import type { PeerLink } from '../actors/peer-links.ts';
import { byteSize } from './byte-size.ts';

/** What the page shows of a transfer (`file-transfer`, `data-state`); an arriving file is `sending` too. */
export type FileTransferState = 'sending' | 'done' | 'failed';

/** One file going to, or coming from, one peer. */
export class FileTransfer {
  state = $state<FileTransferState>('sending');
  /** Bytes through so far. */
  transferred = $state(0);
  /** Why it failed, in words. */
  reason = $state<string | null>(null);
  /** A received file's `blob:` URL to save it from, once its SHA-256 matched. */
  url = $state<string | null>(null);
  name = $state('');
  size = $state(0);
  #handle: FileTransferHandle<unknown> | null = null;

  constructor(
    readonly key: string,
    readonly peerId: string,
    readonly direction: 'out' | 'in',
  ) {}

  /** Stops it on both sides. */
  cancel(): void {
    this.#handle?.cancel();
  }

  /** Follows a transfer's handle to its end. */
  track<Outcome extends FileOutcome>(handle: FileTransferHandle<Outcome>, done?: (outcome: Outcome) => void): void {
    this.#handle = handle;
    void handle.outcome.then((outcome) => {
      if (outcome.state === 'failed') this.reason = outcome.reason;
      else done?.(outcome);
      this.state = outcome.state;
    });
  }
}

/** Which connections files go to: the registry of peers' links, or a fake. */
export interface FileLinks {
  readonly all: PeerLink[];
}

/**
 * Files sent to everyone in the call and received from them, each on its own data channel
 * (web/lib/actors/file-channel.ts), checked by SHA-256 on arrival. Loaded when first needed:
 * the chat panel opens, or a file arrives.
 */
export class FileTransfers {
  list = $state<FileTransfer[]>([]);
  /** Why the last file picked was not sent (too big, nobody to send to), in words. */
  refusal = $state<string | null>(null);
  #next = 0;

  constructor(private readonly links: FileLinks) {}

  /** Sends `file` to every connected peer; a file over `maxFileBytes` is refused, and said. */
  async send(file: File): Promise<void> {
    const peers = this.links.all.filter((link) => link.pc.connectionState === 'connected');
    this.refusal =
      file.size > maxFileBytes
        ? `${file.name} is ${byteSize(file.size)}: files up to ${byteSize(maxFileBytes)} can be sent.`
        : peers.length === 0
          ? 'Nobody is connected to send it to yet.'
          : null;
    if (this.refusal !== null) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const offer: FileOfferMessage = { type: 'file', name: file.name, size: bytes.length, mime: file.type, sha256: await sha256Hex(bytes) };
    const id = crypto.randomUUID();
    for (const link of peers) {
      const transfer = this.#add(link.peerId, 'out', offer);
      transfer.track(sendFile(link.pc, { id, bytes, offer, progress: (sent) => (transfer.transferred = sent) }));
    }
  }

  /**
   * Takes a file channel the peer opened; returns what to hand each of its messages to, in
   * order (the caller holds the ones that came while this module loaded).
   */
  receive(peerId: string, channel: RTCDataChannel): (data: unknown) => void {
    const transfer = this.#add(peerId, 'in', null);
    const handle = receiveFile(channel, {
      offered: (offer) => {
        transfer.name = offer.name;
        transfer.size = offer.size;
      },
      progress: (bytes) => (transfer.transferred = bytes),
    });
    transfer.track(handle, (outcome) => {
      if (outcome.state !== 'done') return;
      transfer.url = URL.createObjectURL(new Blob([outcome.bytes], { type: outcome.offer.mime || 'application/octet-stream' }));
    });
    return handle.feed;
  }

  /** Cancels what is under way and lets go of the received files (the call is over). */
  stop(): void {
    for (const transfer of this.list) {
      transfer.cancel();
      if (transfer.url !== null) URL.revokeObjectURL(transfer.url);
    }
  }

  #add(peerId: string, direction: 'out' | 'in', offer: FileOfferMessage | null): FileTransfer {
    const transfer = new FileTransfer(`${direction}-${this.#next++}`, peerId, direction);
    transfer.name = offer?.name ?? '';
    transfer.size = offer?.size ?? 0;
    this.list = [...this.list, transfer];
    return transfer;
  }
}
