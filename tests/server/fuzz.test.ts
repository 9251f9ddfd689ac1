/**
 * Property-based fuzzing of the real signaling server over loopback sockets. Hostile clients
 * send thousands of malformed, oversized, binary and prototype-poisoning frames and random
 * sessions of valid-looking messages, while a bystander pair in its own room keeps signalling
 * and pinging. The seed is fixed so runs repeat; set FUZZ_SEED to explore others.
 *
 * FUZZ_FRAMES sets how many hostile frames the first property sends (at least; 2,000 by
 * default): `npm run fuzz` sends 100,000, CI 10,000. The seed, the frames sent and the
 * bystanders' round trips are printed.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../protocol/messages.ts';
import { closingFrame, describeFrame, openFrame, type FrameLimits, type HostileFrame } from '../support/arbitraries.ts';
import type { ProtocolProbe } from '../support/conformance-client.ts';
import { startProbeServer, until, type ProbeServer } from '../support/probe-server.ts';
import { loopbackLimits } from '../support/loopback-limits.ts';
import { signalingCommands } from '../support/signaling-commands.ts';
import { answered, canonical, expectFrames, probeOptions, SignalingWorld, type RoomState } from '../support/signaling-world.ts';

const limits: FrameLimits = { maxPayload: 32 * 1024, maxCapacity: 4 };
const seed = Number(process.env.FUZZ_SEED ?? 0x5ea1ed);
const targetFrames = Number(process.env.FUZZ_FRAMES ?? 1_000);
/** Time allowed per hostile frame on a busy machine, beside a fixed minute. */
const msPerFrame = 10;
const timeoutMs = 60_000 + targetFrames * msPerFrame;
/**
 * A failing property shrinks over real sockets, which takes a while: the search stops after
 * this long and reports the smallest counterexample found so far.
 */
const budget = { plugins: [fc.interruptAfterTimeLimit(40_000)] };
console.info(`fuzz: seed ${seed} (FUZZ_SEED; round n of the first property uses seed + n), ${targetFrames} hostile frames asked (FUZZ_FRAMES)`);

/** Own property names of the built-in prototypes a parser could pollute. */
function prototypeShapes(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((proto) => Object.getOwnPropertyNames(proto).sort().join())
    .join('|');
}
const pristine = prototypeShapes();

/**
 * Two clients in their own room that signal each other and ping in a loop until stopped.
 * Every frame they get must be a pong or the partner's next signal: anything else (a frame
 * from another room, an error) stops the loop with an error.
 */
class Bystanders {
  rounds = 0;
  /** Each exchange's time, from sending both signals and pings to reading all four answers. */
  readonly roundTrips: number[] = [];
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    readonly room: RoomState,
    private readonly pair: [ProtocolProbe, ProtocolProbe],
  ) {}

  static async start(server: ProbeServer): Promise<Bystanders> {
    const { probe: alice, joined: a } = await server.create(2);
    const { probe: bob, joined: b } = await server.join(a.roomId);
    await alice.expect('peer-joined');
    const room: RoomState = {
      id: a.roomId,
      capacity: 2,
      live: true,
      members: [
        { peerId: a.peerId, token: undefined, slot: -1 },
        { peerId: b.peerId, token: undefined, slot: -1 },
      ],
    };
    const bystanders = new Bystanders(room, [alice, bob]);
    bystanders.loop = bystanders.run().catch((error: unknown) => {
      bystanders.failure = error;
    });
    return bystanders;
  }

  /** Stops the loop, fails if it failed, and checks one more exchange goes through. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    if (this.failure !== undefined) throw this.failure;
    await this.exchange();
    return this.rounds;
  }

  private async run(): Promise<void> {
    while (!this.stopped) await this.exchange();
  }

  private async exchange(): Promise<void> {
    const seq = this.rounds++;
    const started = performance.now();
    const [alice, bob] = this.pair;
    const data = { seq, sdp: 'v=0\r\n', __note: 'bystander' };
    alice.send({ type: 'signal', to: this.room.members[1]!.peerId, data });
    bob.send({ type: 'signal', to: this.room.members[0]!.peerId, data });
    alice.send({ type: 'ping' });
    bob.send({ type: 'ping' });
    for (const [probe, from] of [[alice, this.room.members[1]!.peerId], [bob, this.room.members[0]!.peerId]] as const) {
      const frames: ServerMessage[] = [await probe.next(), await probe.next()];
      const signal = { type: 'signal', from, data };
      const ok = frames.some((frame) => canonical(frame) === canonical(signal)) && frames.some((frame) => frame.type === 'pong');
      if (!ok) throw new Error(`bystander got ${JSON.stringify(frames)} in round ${seq}`);
    }
    this.roundTrips.push(performance.now() - started);
  }

  /** The bystanders' p50 and p99 round trip so far, in ms. */
  latency(): { p50: number; p99: number } {
    const sorted = [...this.roundTrips].sort((a, b) => a - b);
    const at = (share: number): number => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
    return { p50: at(0.5), p99: at(0.99) };
  }
}

/** Sends one hostile frame as it is: text or binary. */
function sendFrame(probe: ProtocolProbe, frame: HostileFrame): void {
  if (frame.binary) probe.sendBinary(frame.payload as Uint8Array);
  else probe.sendText(frame.payload as string);
}

/** One hostile client's plan: maybe sit in a room, pipeline frames, maybe end with a closing one. */
const clientPlan = fc.record({
  inRoom: fc.boolean(),
  frames: fc.array(openFrame(limits), { minLength: 1, maxLength: 30 }),
  last: fc.option(closingFrame(limits), { nil: undefined }),
});

let server: ProbeServer;
let bystanders: Bystanders;
const baseline = { rooms: 1, connections: 2, members: 2 };

beforeEach(async () => {
  server = await startProbeServer({
    ...limits,
    resumeGraceMs: 50,
    // Byte limits stay lifted as loopbackLimits has them: random sessions send large signals fast.
    rateLimit: { ...loopbackLimits.rateLimit, perSecond: 1_000_000, burst: 1_000_000 },
  });
  bystanders = await Bystanders.start(server);
}, timeoutMs);

afterEach(async () => {
  await bystanders.stop().catch(() => undefined);
  await server.stop();
}, timeoutMs);

describe('fuzzing the signaling server', () => {
  it('answers every hostile frame of several clients at once as documented, and forgets them all', async () => {
    let frames = 0;
    const property = fc.asyncProperty(fc.array(clientPlan, { minLength: 3, maxLength: 3 }), async (plans) => {
      const probes = await Promise.all(plans.map(() => server.open(probeOptions)));
      try {
        await Promise.all(
          plans.map(async (plan, i) => {
            const probe = probes[i]!;
            if (plan.inRoom) {
              probe.send({ type: 'create' });
              await probe.expect('joined');
            }
            for (const frame of plan.frames) sendFrame(probe, frame);
            if (plan.last !== undefined) sendFrame(probe, plan.last);
            frames += plan.frames.length + (plan.last === undefined ? 0 : 1);
            for (const frame of plan.frames) expectFrames(describeFrame(frame), [await probe.next()], [answered(frame.answer)]);
            if (plan.last === undefined) return void (await probe.close());
            const ending = await probe.ended();
            expect(ending.code, describeFrame(plan.last)).toBe((plan.last.answer as { code: number }).code);
            expect(probe.unread()).toEqual([]);
          }),
        );
      } finally {
        for (const probe of probes) probe.socket.terminate();
      }
      await until(() => canonical(server.app.signaling.stats()) === canonical(baseline));
      expect(prototypeShapes()).toBe(pristine);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
    // Rounds of 60 runs, each with its own seed, until FUZZ_FRAMES frames were sent.
    for (let round = 0; round === 0 || frames < targetFrames; round++) await fc.assert(property, { seed: seed + round, numRuns: 60, ...budget });
    const rounds = await bystanders.stop();
    const { p50, p99 } = bystanders.latency();
    const rss = process.memoryUsage().rss / 1024 / 1024;
    console.info(`fuzz: seed ${seed}: ${frames} hostile frames; bystanders ${rounds} round trips, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; RSS ${rss.toFixed(0)} MiB`);
    expect(frames).toBeGreaterThan(1000);
    expect(rounds).toBeGreaterThan(0);
  }, timeoutMs);

  it('keeps rooms, relays and errors right through random sessions of several clients', async () => {
    let commands = 0;
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.commands(signalingCommands(5, limits), { maxCommands: 60, size: 'max' }), async (sequence) => {
        const world = new SignalingWorld({ server, limits, baseline, foreignRooms: [bystanders.room], slots: 5, tally });
        try {
          await world.open();
          await fc.asyncModelRun(() => ({ model: world, real: world }), sequence);
          await world.finish();
        } catch (error) {
          await world.dispose();
          throw error;
        }
        commands += [...sequence].length;
        expect(prototypeShapes()).toBe(pristine);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed, numRuns: 30, ...budget },
    );
    expect(commands).toBeGreaterThan(400);
    // The runs walked the paths that matter, not only refusals.
    for (const outcome of ['signal: relayed', 'join: joined as peer 3', 'join: resumed', 'join: room-full', 'leave: left', 'close: left its room']) {
      expect(tally.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
    expect(await bystanders.stop()).toBeGreaterThan(0);
  }, timeoutMs);
});
