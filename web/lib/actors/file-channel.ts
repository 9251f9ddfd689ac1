import { encodePeerMessage, fileChannelPrefix, parsePeerMessage, type FileOfferMessage } from '../../../protocol/peer-messages.ts';

/**
 * Largest chunk sent: 64 KiB, under every current browser's SCTP message limit
 * (`pc.sctp.maxMessageSize`, which is used instead when smaller); bigger chunks gain little.
 */
const chunkBytes = 64 * 1024;

/**
 * Backpressure: the sender stops while more than `highWater` bytes wait in the channel's
 * buffer, and goes on at `bufferedamountlow`, fired at `lowWater`. Enough in flight to keep a
 * loopback link busy, far below the point where Chrome closes a channel (16 MiB buffered).
 */
const highWater = 1024 * 1024;
const lowWater = 256 * 1024;

/** How a transfer ended: `done` once the receiver confirmed the SHA-256; `failed` otherwise. */
export type FileOutcome = { state: 'done' } | { state: 'failed'; reason: string };

/** A transfer under way, from either end. */
export interface FileTransferHandle<Outcome = FileOutcome> {
  /** Ends it, for both sides: closing the file's channel is the cancel. */
  cancel(): void;
  outcome: Promise<Outcome>;
}

/** How a received file ended: its bytes and offer once the SHA-256 matched. */
export type ReceivedFile = { state: 'done'; bytes: Uint8Array<ArrayBuffer>; offer: FileOfferMessage } | { state: 'failed'; reason: string };

/** Why a transfer failed, as the page says it. */
const damaged = 'The file arrived damaged (SHA-256 differs).';
const cancelled = 'Cancelled.';

/** SHA-256 of `bytes` as lowercase hex (crypto.subtle: the browser's own, nothing shipped). */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function waitFor(channel: RTCDataChannel, type: 'open' | 'bufferedamountlow'): Promise<void> {
  return new Promise((resolve) => channel.addEventListener(type, () => resolve(), { once: true }));
}

/** One file to send to one peer. */
export interface FileToSend {
  /** Names the file's channel (`file:<id>`); the same for every peer it goes to. */
  id: string;
  bytes: Uint8Array<ArrayBuffer>;
  offer: FileOfferMessage;
  /** Told how many bytes have left this side's buffer. */
  progress(bytes: number): void;
}

/**
 * Sends one file to one peer on its own ordered channel (`file:<id>`): the offer, then (once
 * the receiver accepted it) the bytes in chunks with backpressure, then waits for the
 * receiver's `file-ack`.
 */
export function sendFile(pc: RTCPeerConnection, { id, bytes, offer, progress }: FileToSend): FileTransferHandle {
  const channel = pc.createDataChannel(`${fileChannelPrefix}${id}`, { ordered: true });
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = lowWater;
  const chunk = Math.min(chunkBytes, pc.sctp?.maxMessageSize || chunkBytes);
  let settled: FileOutcome | null = null;
  const outcome = new Promise<FileOutcome>((resolve) => {
    const settle = (result: FileOutcome) => {
      if (settled) return;
      settled = result;
      resolve(result);
      channel.close();
    };
    let accepted: () => void = () => {};
    const acceptance = new Promise<void>((resolve) => (accepted = resolve));
    channel.addEventListener('message', ({ data }) => {
      const answer = parsePeerMessage(data);
      if (answer?.type === 'file-accept') accepted();
      if (answer?.type !== 'file-ack') return;
      settle(answer.ok ? { state: 'done' } : { state: 'failed', reason: damaged });
    });
    channel.addEventListener('close', () => settle({ state: 'failed', reason: cancelled }));
    void (async () => {
      // Browsers open it a moment later; a stack may hand it over open already (@roamhq/wrtc does).
      if (channel.readyState === 'connecting') await waitFor(channel, 'open');
      channel.send(encodePeerMessage(offer));
      await acceptance;
      for (let offset = 0; offset < bytes.length && !settled; offset += chunk) {
        if (channel.bufferedAmount > highWater) await waitFor(channel, 'bufferedamountlow');
        if (settled || channel.readyState !== 'open') return;
        channel.send(bytes.subarray(offset, offset + chunk));
        progress(Math.max(0, Math.min(bytes.length, offset + chunk) - channel.bufferedAmount));
      }
    })().catch((error: unknown) => settle({ state: 'failed', reason: String(error) }));
  });
  return { cancel: () => channel.close(), outcome };
}

/** What a receiver learns as a file arrives. */
export interface FileArrival {
  /** The offer, once it came. */
  offered(offer: FileOfferMessage): void;
  progress(bytes: number): void;
}

/**
 * Receives one file on a channel the peer opened: the offer, then exactly `size` bytes, whose
 * SHA-256 must match; answers `file-ack` either way. `feed` is handed each message in order
 * (the caller may have held the first ones while this module loaded). A channel closed early
 * (cancelled by either side) or a malformed transfer fails.
 */
export function receiveFile(channel: RTCDataChannel, arrival: FileArrival): FileTransferHandle<ReceivedFile> & { feed(data: unknown): void } {
  let offer: FileOfferMessage | null = null;
  let bytes = new Uint8Array(0);
  let received = 0;
  let finished = false;
  let resolve!: (outcome: ReceivedFile) => void;
  const outcome = new Promise<ReceivedFile>((done) => (resolve = done));
  const fail = (reason: string) => {
    if (finished) return;
    finished = true;
    resolve({ state: 'failed', reason });
    channel.close();
  };
  const check = async (current: FileOfferMessage) => {
    finished = true;
    const ok = (await sha256Hex(bytes)) === current.sha256;
    if (channel.readyState === 'open') channel.send(encodePeerMessage({ type: 'file-ack', ok }));
    resolve(ok ? { state: 'done', bytes, offer: current } : { state: 'failed', reason: damaged });
  };
  const feed = (data: unknown) => {
    if (finished) return;
    if (offer === null) {
      const first = parsePeerMessage(data);
      if (first?.type !== 'file') return fail('The sender did not say what the file is.');
      offer = first;
      bytes = new Uint8Array(first.size);
      arrival.offered(first);
      if (first.size === 0) void check(first);
      else channel.send(encodePeerMessage({ type: 'file-accept' }));
      return;
    }
    if (!(data instanceof ArrayBuffer) || received + data.byteLength > offer.size) return fail('More bytes came than the file has.');
    bytes.set(new Uint8Array(data), received);
    received += data.byteLength;
    arrival.progress(received);
    if (received === offer.size) void check(offer);
  };
  channel.addEventListener('close', () => fail(cancelled));
  if (channel.readyState === 'closed') fail(cancelled);
  return { feed, cancel: () => fail(cancelled), outcome };
}
