/**
 * `--profile`: runs Parley under the closed-loop relay load with `node --cpu-prof`, writes the
 * profile to bench/profiles/ (gitignored *.cpuprofile, open it in Chrome DevTools), and prints
 * where the server's time went during the load: by area (ws, fastify, xstate, the server's own
 * code, GC, ...) and by function, self and inclusive.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from './cli.ts';
import { protocolClients } from './clients/protocol-clients.ts';
import { closeSockets, inBatches } from './clients/socket.ts';
import { signalPayloads } from './payloads.ts';
import { repoRoot, type ProcessGroup } from './proc.ts';
import { pingPong } from './series/ping-pong.ts';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './profile-summary.ts';

/** Profiles Parley relaying both payloads; returns the summary (also logged). */
export async function profileRelay(input: { group: ProcessGroup; config: BenchConfig; log: (line: string) => void }): Promise<ProfileSummary & { file: string }> {
  const { group, config, log } = input;
  // A folder per run: every thread (tsx's loader runs in a worker) writes its own profile.
  const dir = path.join(repoRoot, 'bench', 'profiles', `parley-relay-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const server = await group.start('parley', {
    env: { BENCH_UNLIMITED: '1' },
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  // Monotonic microseconds, the clock of the profile's sample times, so startup is cut out.
  const nowMicros = (): number => Number(process.hrtime.bigint() / 1000n);
  let windowStart = 0;
  let windowEnd = 0;
  try {
    const pairs = await inBatches(config.relay.pairs, 50, (index) => protocolClients.parley.connectPair(server.port, index));
    windowStart = nowMicros();
    for (const payload of signalPayloads()) {
      await pingPong({
        pairs,
        frames: pairs.map((pair) => pair.frames(payload)),
        minFrameBytes: payload.bytes,
        warmupMs: config.relay.warmupMs,
        measureMs: config.relay.measureMs,
        serverCpu: () => server.cpuSeconds(),
        foreignCpu: () => server.foreignCpuSeconds(),
      });
    }
    windowEnd = nowMicros();
    await closeSockets(pairs.flatMap((pair) => [pair.a, pair.b]));
  } finally {
    await server.stop();
  }
  // Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; the main thread is 0.
  const name = readdirSync(dir).find((file) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (name === undefined) throw new Error(`no main-thread profile written to ${dir}`);
  const file = path.join(dir, name);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const summary = summarizeProfile(profile, { start: windowStart, end: windowEnd });
  log(`profile: ${path.relative(repoRoot, file)} (${summary.sampledMs.toFixed(0)} ms sampled under load)`);
  log('  by area (self time):');
  for (const area of summary.areas.slice(0, 12)) log(`    ${area.share.toFixed(1).padStart(5)}%  ${area.name}`);
  log('  top functions, self time:');
  for (const fn of summary.selfTop.slice(0, 20)) log(`    ${fn.share.toFixed(1).padStart(5)}%  ${fn.name}`);
  log('  top functions in the server, machines, protocol and xstate, inclusive time:');
  for (const fn of summary.inclusiveTop.slice(0, 20)) log(`    ${fn.share.toFixed(1).padStart(5)}%  ${fn.name}`);
  const top = (shares: ProfileSummary['areas']): ProfileSummary['areas'] => shares.slice(0, 30);
  return { ...summary, areas: top(summary.areas), selfTop: top(summary.selfTop), inclusiveTop: top(summary.inclusiveTop), file: path.relative(repoRoot, file) };
}
