/**
 * Lose, resume, lose again (docs/protocol.md, "Rooms, leaving and coming back"): a seat lost a
 * second time within its first grace period is held for a whole second grace period, counted
 * from the second loss, over real sockets.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolProbe } from '../support/conformance-client.ts';
import { useProbeServers, type ProbeServer } from '../support/probe-server.ts';

const start = useProbeServers();
/** The grace period of these servers: long enough to resume within, short enough to outlast. */
const graceMs = 1_500;

/** Drops `probe` without a close frame and waits until the server has noticed. */
async function lose(server: ProbeServer, probe: ProtocolProbe): Promise<void> {
  const before = server.app.signaling.stats().connections;
  await probe.drop();
  await server.connectionsSettle(before - 1);
}

/** Lets `ms` pass: here the passing time itself is what is tested. */
function pass(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

describe('rooms: lose, resume, lose again', () => {
  it('holds a seat lost again within the first grace period for a whole second one', async () => {
    const server = await start({ resumeGraceMs: graceMs });
    const { probe: alice, joined: a } = await server.create(2);
    const bob = await server.join(a.roomId);
    await alice.expect('peer-joined');

    await lose(server, bob.probe);
    const firstLoss = performance.now();
    await pass(graceMs * 0.5);
    const back = await server.join(a.roomId, bob.joined.resume);
    expect(back.joined.peerId).toBe(bob.joined.peerId);
    await lose(server, back.probe);

    // Past the end of the first grace period: the seat is still held, and nobody was told anything.
    await pass(firstLoss + graceMs * 1.3 - performance.now());
    expect(await alice.settle()).toEqual([]);
    const again = await server.join(a.roomId, back.joined.resume);
    expect(again.joined.peerId).toBe(bob.joined.peerId);
    expect(await alice.settle()).toEqual([]);
  });
});
