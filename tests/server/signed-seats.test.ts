import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeatKey, seatKeyFile } from '../../server/seats/seat-key.ts';
import { SignedSeats } from '../../server/seats/signed-seats.ts';

const seat = { roomId: '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', capacity: 3, peerId: 'alice-peer-1', nonce: 'nonce-0123456789abcdefgh' };
const key = loadSeatKey({ secret: 'a deployment secret', dataDir: undefined });
const grace = 20_000;
const started = 1_000_000;
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('signed seats: happy path', () => {
  it('gives back the nonce of a token it issued', () => {
    const seats = new SignedSeats(key, started, grace);
    expect(seats.nonceOf(seats.issue(seat, started + 5))).toBe(seat.nonce);
  });

  it('lets a seat issued before a restart come back within the grace period after it', async () => {
    const token = new SignedSeats(key, started, grace).issue(seat, started + 5);
    const restarted = new SignedSeats(key, started + 60_000, grace);
    expect(await restarted.recall(token, seat.roomId, started + 60_000 + grace)).toEqual(seat);
  });

  it('shares one key among servers started with the same SECRET or DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-seats-'));
    dirs.push(dir);
    const first = loadSeatKey({ secret: undefined, dataDir: dir });
    expect(loadSeatKey({ secret: undefined, dataDir: dir })).toEqual(first);
    expect(statSync(join(dir, seatKeyFile)).mode & 0o077).toBe(0);
    expect(loadSeatKey({ secret: 'a deployment secret', dataDir: dir })).toEqual(key);
  });
});

describe('signed seats: failure', () => {
  it('never takes back a seat it issued itself: a room that ended here stays ended', async () => {
    const seats = new SignedSeats(key, started, grace);
    expect(await seats.recall(seats.issue(seat, started + 5), seat.roomId, started + 10)).toBeNull();
  });

  it('refuses an old seat once the grace period after the start is over', async () => {
    const token = new SignedSeats(key, started, grace).issue(seat, started + 5);
    const restarted = new SignedSeats(key, started + 60_000, grace);
    expect(await restarted.recall(token, seat.roomId, started + 60_001 + grace)).toBeNull();
  });

  it('refuses a token for another room, a tampered token, and one signed with another key', async () => {
    const token = new SignedSeats(key, started, grace).issue(seat, started + 5);
    const restarted = new SignedSeats(key, started + 60_000, grace);
    const now = started + 60_001;
    expect(await restarted.recall(token, 'another-room', now)).toBeNull();
    const body = JSON.parse(Buffer.from(token.slice(0, -22), 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...body, c: 8 })).toString('base64url') + token.slice(-22);
    expect(await restarted.recall(forged, seat.roomId, now)).toBeNull();
    expect(restarted.nonceOf(forged)).toBeUndefined();
    const foreign = new SignedSeats(loadSeatKey({ secret: 'someone else', dataDir: undefined }), started, grace).issue(seat, started + 5);
    expect(await restarted.recall(foreign, seat.roomId, now)).toBeNull();
    for (const junk of ['', 'x', 'not-a-token-at-all-0123456789', '!'.repeat(5_000)]) expect(restarted.nonceOf(junk)).toBeUndefined();
  });
});
