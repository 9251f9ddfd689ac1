import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Seat, SeatStore } from './seat-store.ts';

/** What a signed token carries, with short keys: it travels in every `joined`. */
interface TokenBody {
  r: string;
  c: number;
  p: string;
  n: string;
  /** Issued at, ms since the epoch. */
  t: number;
}

/** Length of the HMAC-SHA256 tag kept in a token: 128 bits, as many as the nonce. */
const tagBytes = 16;
/** The tag's length in base64url characters, at the end of every token. */
const tagChars = Math.ceil((tagBytes * 4) / 3);

function isTokenBody(value: unknown): value is TokenBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    typeof body.r === 'string' && typeof body.p === 'string' && typeof body.n === 'string' &&
    Number.isInteger(body.c) && Number.isFinite(body.t)
  );
}

/**
 * The default `SeatStore`: nothing is stored. A resume token is the seat itself, signed:
 * `<body><tag>` in base64url, the body a base64url JSON of room id, capacity, peer id, nonce and issue
 * time, the tag an HMAC-SHA256 of it under the deployment's seat key (server/seats/seat-key.ts).
 * A restarted server with the same key recognises the seats of rooms it lost, during the
 * grace period after it started (docs/seats.md says what an old token can and cannot do).
 */
export class SignedSeats implements SeatStore {
  constructor(
    private readonly key: Buffer,
    /** When this server started, ms since the epoch. */
    private readonly startedAt: number,
    /** How long lost seats are held, and so how long after a start old seats may return. */
    private readonly graceMs: number,
  ) {}

  issue(seat: Seat, now: number): string {
    const body: TokenBody = { r: seat.roomId, c: seat.capacity, p: seat.peerId, n: seat.nonce, t: now };
    const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${encoded}${this.tag(encoded)}`;
  }

  /** The seat an authentic token names, with when it was issued; `undefined` for any other string. */
  read(token: string): (Seat & { issuedAt: number }) | undefined {
    const body = this.open(token);
    return body === undefined ? undefined : { roomId: body.r, capacity: body.c, peerId: body.p, nonce: body.n, issuedAt: body.t };
  }

  nonceOf(token: string): string | undefined {
    return this.open(token)?.n;
  }

  async recall(token: string, roomId: string, now: number): Promise<Seat | null> {
    const body = this.open(token);
    if (body === undefined || body.r !== roomId || body.t >= this.startedAt || !this.isReturnWindow(now)) return null;
    return { roomId: body.r, capacity: body.c, peerId: body.p, nonce: body.n };
  }

  isReturnWindow(now: number, _roomId?: string): boolean {
    return now - this.startedAt <= this.graceMs;
  }

  private tag(encoded: string): string {
    return createHmac('sha256', this.key).update(encoded).digest().subarray(0, tagBytes).toString('base64url');
  }

  /** The body of an authentic token, or `undefined`. Never throws. */
  private open(token: string): TokenBody | undefined {
    if (token.length <= tagChars || token.length > 1_024) return undefined;
    const encoded = token.slice(0, -tagChars);
    const given = Buffer.from(token.slice(-tagChars), 'base64url');
    const expected = Buffer.from(this.tag(encoded), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const body: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
      return isTokenBody(body) ? body : undefined;
    } catch {
      return undefined;
    }
  }
}
