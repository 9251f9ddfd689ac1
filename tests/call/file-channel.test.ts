/**
 * Files between two real WebRTC stacks in Node (@roamhq/wrtc), connected directly in-process:
 * the page's own file channel code (web/lib/actors/file-channel.ts), its checksum and cancel.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { receiveFile, sendFile, sha256Hex, type FileTransferHandle, type ReceivedFile } from '../../web/lib/actors/file-channel.ts';
import type { FileOfferMessage } from '../../protocol/peer-messages.ts';
import wrtc from '../support/wrtc.ts';

const opened: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of opened.splice(0)) pc.close();
});

/** Two connected peers, with the negotiated `parley` channel that gives them an SCTP association. */
async function connectedPair(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const [a, b] = [new wrtc.RTCPeerConnection(), new wrtc.RTCPeerConnection()] as unknown as RTCPeerConnection[];
  opened.push(a!, b!);
  for (const [from, to] of [[a!, b!], [b!, a!]] as const) {
    from.addEventListener('icecandidate', ({ candidate }) => void (candidate && to.addIceCandidate(candidate)));
  }
  const open = [a!, b!].map((pc) => {
    const channel = pc.createDataChannel('parley', { negotiated: true, id: 0 });
    return new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
  });
  await a!.setLocalDescription(await a!.createOffer());
  await b!.setRemoteDescription(a!.localDescription!);
  await b!.setLocalDescription(await b!.createAnswer());
  await a!.setRemoteDescription(b!.localDescription!);
  await Promise.all(open);
  return [a!, b!];
}

/** What the receiving side does with the channel the sender opens. */
function receiving(pc: RTCPeerConnection): Promise<FileTransferHandle<ReceivedFile> & { progress: number[] }> {
  return new Promise((resolve) =>
    pc.addEventListener('datachannel', ({ channel }) => {
      channel.binaryType = 'arraybuffer';
      const progress: number[] = [];
      const handle = receiveFile(channel, { offered: () => {}, progress: (bytes) => progress.push(bytes) });
      channel.addEventListener('message', ({ data }) => handle.feed(data));
      resolve({ ...handle, progress });
    }),
  );
}

async function offerOf(bytes: Uint8Array<ArrayBuffer>, sha256?: string): Promise<FileOfferMessage> {
  return { type: 'file', name: 'data.bin', size: bytes.length, mime: 'application/octet-stream', sha256: sha256 ?? (await sha256Hex(bytes)) };
}

describe('a file on its own data channel', () => {
  describe('happy path', () => {
    it('arrives whole, in order, with the SHA-256 it was sent with, and both ends say done', async () => {
      const [alice, bob] = await connectedPair();
      const bytes = new Uint8Array(randomBytes(2 * 1024 * 1024 + 123));
      const arriving = receiving(bob);
      const sent = sendFile(alice, { id: 'one', bytes, offer: await offerOf(bytes), progress: () => {} });
      const received = await arriving;
      const outcome = await received.outcome;
      expect(outcome.state === 'failed' ? outcome.reason : outcome.state).toBe('done');
      expect(outcome.state === 'done' && createHash('sha256').update(outcome.bytes).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(await sent.outcome).toEqual({ state: 'done' });
      expect(received.progress.at(-1)).toBe(bytes.length);
    });
  });

  describe('failure', () => {
    it('fails on both ends when the bytes do not match the SHA-256 offered', async () => {
      const [alice, bob] = await connectedPair();
      const bytes = new Uint8Array(randomBytes(100_000));
      const arriving = receiving(bob);
      const sent = sendFile(alice, { id: 'bad', bytes, offer: await offerOf(bytes, '0'.repeat(64)), progress: () => {} });
      const damaged = { state: 'failed', reason: 'The file arrived damaged (SHA-256 differs).' };
      expect(await (await arriving).outcome).toEqual(damaged);
      expect(await sent.outcome).toEqual(damaged);
    });

    it.each(['receiver', 'sender'] as const)('stops on both ends when the %s cancels', async (who) => {
      const [alice, bob] = await connectedPair();
      const bytes = new Uint8Array(randomBytes(16 * 1024 * 1024));
      const arriving = receiving(bob);
      let resolveStarted!: () => void;
      const started = new Promise<void>((resolve) => (resolveStarted = resolve));
      const sent = sendFile(alice, { id: 'cancel', bytes, offer: await offerOf(bytes), progress: (count) => count > 0 && resolveStarted() });
      const received = await arriving;
      await started;
      (who === 'sender' ? sent : received).cancel();
      expect(await received.outcome).toEqual({ state: 'failed', reason: 'Cancelled.' });
      expect(await sent.outcome).toEqual({ state: 'failed', reason: 'Cancelled.' });
      expect(received.progress.at(-1) ?? 0).toBeLessThan(bytes.length);
    });
  });
});
