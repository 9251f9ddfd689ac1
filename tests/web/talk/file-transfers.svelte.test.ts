import { describe, expect, it } from 'vitest';
import { maxFileBytes } from '../../../protocol/peer-messages.ts';
import type { PeerLink } from '../../../web/lib/actors/peer-links.ts';
import { byteSize } from '../../../web/lib/talk/byte-size.ts';
import { FileTransfers } from '../../../web/lib/talk/file-transfers.svelte.ts';

/** A connected peer whose connection must not be used: these files are refused before. */
const connected = { peerId: 'p1', pc: { connectionState: 'connected' } } as unknown as PeerLink;

describe('files to everyone', () => {
  describe('failure', () => {
    it('refuses a file over the limit, and says the limit', async () => {
      const files = new FileTransfers({ all: [connected] });
      await files.send({ name: 'film.mkv', size: 70 * 1024 * 1024 } as File);
      expect(files.refusal).toBe('film.mkv is 70 MiB: files up to 64 MiB can be sent.');
      expect(files.list).toEqual([]);
    });

    it('says so when nobody is connected to send to', async () => {
      const files = new FileTransfers({ all: [] });
      await files.send({ name: 'a.txt', size: 3 } as File);
      expect(files.refusal).toBe('Nobody is connected to send it to yet.');
    });
  });

  describe('happy path', () => {
    it.each([
      [0, '0 B'],
      [1023, '1023 B'],
      [1536, '1.5 KiB'],
      [3 * 1024 * 1024, '3 MiB'],
      [maxFileBytes, '64 MiB'],
    ])('writes %i bytes as %s', (bytes, text) => {
      expect(byteSize(bytes)).toBe(text);
    });
  });
});
