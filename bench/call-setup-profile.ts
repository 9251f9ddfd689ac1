/**
 * `npx tsx bench/call-setup-profile.ts [runs]`: where the call page's main thread goes while a
 * call is set up. It builds the page unminified into dist/profile-web (functions keep their
 * names, and each module starts with a `// <path>` line that tells whose code a line is), makes
 * calls the way the call-setup series does (A creates a room, B opens its link and enters at
 * once) with Chromium's sampling profiler (CDP `Profiler`) running in both pages, and prints
 * each long task: when it ran (ms from B opening the link), and which modules and functions
 * took its time. A long task is a stretch of samples with no `(idle)` one among them lasting
 * over 50 ms, as the browser's own long-task observer counts them. The profiles are written to
 * bench/profiles/ (open them in Chrome DevTools). Timings under a profiler are longer than in
 * the bench: read the shares, not the milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../tests/support/browser.ts';
import { ProcessGroup, repoRoot } from './proc.ts';
import { summarizeProfile, type CallFrame, type CpuProfile, type ProfileReading, type Share } from './profile-summary.ts';
import { createRoom, joinRoom } from './series/call-setup.ts';

/** What the browser itself counts as a long task. */
const longTaskMs = 50;
/** Sampling interval of the profiler, µs: fine enough to name functions of a few ms. */
const samplingMicros = 200;

const webRoot = path.join(repoRoot, 'dist', 'profile-web');

/** Builds the page without minifying, so the profile names functions as the source does. */
function buildUnminified(): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--minify', 'false', '--outDir', webRoot, '--emptyOutDir'], { cwd: repoRoot, stdio: 'inherit' });
}

/** Reads the bundle's `// <path>` module markers: for each chunk, the module that starts at each line. */
function moduleReading(): ProfileReading {
  const starts = new Map<string, Array<[line: number, module: string]>>();
  const modulesOf = (url: string): Array<[number, string]> => {
    const file = /\/assets\/[^/?#]+\.js/.exec(url)?.[0];
    if (!file) return [];
    let found = starts.get(file);
    if (!found) {
      found = [];
      readFileSync(path.join(webRoot, file), 'utf8').split('\n').forEach((text, line) => {
        const marker = /^\/\/ (\S+\.(?:js|ts|svelte|mjs|cjs)\S*)$/.exec(text);
        if (marker) found!.push([line, marker[1]!.replace(/^\0/, '')]);
      });
      starts.set(file, found);
    }
    return found;
  };
  const moduleOf = (frame: CallFrame): string => {
    if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
    const module = modulesOf(frame.url).findLast(([line]) => line <= frame.lineNumber)?.[1];
    return module ?? path.basename(frame.url);
  };
  return {
    areaOf: (frame) => {
      const module = moduleOf(frame);
      const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
      return dependency ? dependency[1]! : module.replace(/^(web|machines|protocol)\/.*$/, '$1/');
    },
    isOwn: (area) => !area.startsWith('('),
    label: (frame) => `${frame.functionName || '(anonymous)'} ${moduleOf(frame)}`,
  };
}

/** The stretches of the profile over `longTaskMs` with no idle sample, as [start, end] µs. */
function longTasks(profile: CpuProfile): Array<[number, number]> {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const tasks: Array<[number, number]> = [];
  let time = profile.startTime;
  let start: number | null = null;
  for (let index = 0; index < profile.samples.length; index++) {
    time += profile.timeDeltas[index] ?? 0;
    const busy = !idle.has(profile.samples[index]!);
    if (busy && start === null) start = time;
    if (!busy && start !== null) {
      if (time - start > longTaskMs * 1000) tasks.push([start, time]);
      start = null;
    }
  }
  return tasks;
}

async function startProfiler(page: Page): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: samplingMicros });
  await session.send('Profiler.start');
  return session;
}

const shares = (list: Share[], count: number): string =>
  list.slice(0, count).map((share) => `${share.share.toFixed(0).padStart(3)}% ${share.name}`).join('\n      ');

/** Prints the long tasks of one page's profile; `origin` is B opening the link, in profile µs. */
function report(name: string, profile: CpuProfile, origin: number, reading: ProfileReading): void {
  const tasks = longTasks(profile);
  console.log(`\n${name}: ${tasks.length} long task(s)`);
  for (const [start, end] of tasks) {
    const summary = summarizeProfile(profile, { start, end }, reading);
    console.log(`  ${((start - origin) / 1000).toFixed(0)}–${((end - origin) / 1000).toFixed(0)} ms (${((end - start) / 1000).toFixed(0)} ms)`);
    console.log(`    areas:\n      ${shares(summary.areas, 8)}`);
    console.log(`    self:\n      ${shares(summary.selfTop, 12)}`);
    console.log(`    inclusive:\n      ${shares(summary.inclusiveTop, 20)}`);
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 1);
  buildUnminified();
  const reading = moduleReading();
  const group = new ProcessGroup();
  process.on('exit', () => group.killAll());
  const server = await group.start('parley', { env: { WEB_ROOT: webRoot } });
  const browser = await launchChromium();
  const dir = path.join(repoRoot, 'bench', 'profiles');
  mkdirSync(dir, { recursive: true });
  try {
    const origin = `http://127.0.0.1:${server.port}`;
    for (let run = 1; run <= runs; run++) {
      const { pageA, pageB, url, close } = await createRoom(browser, origin);
      try {
        const [sessionA, sessionB] = await Promise.all([startProfiler(pageA), startProfiler(pageB)]);
        const started = Date.now();
        const [stampsA, stampsB] = await joinRoom(pageA, pageB, url);
        const profiles: Record<string, CpuProfile> = {};
        for (const [who, session] of [['A', sessionA], ['B', sessionB]] as const) {
          profiles[who] = ((await session.send('Profiler.stop')) as { profile: CpuProfile }).profile;
          writeFileSync(path.join(dir, `call-setup-${who}-${run}.cpuprofile`), JSON.stringify(profiles[who]));
        }
        console.log(`\n== run ${run}: connected at ${Math.max(stampsA.connected!, stampsB.connected!) - started} ms, B's first frame at ${stampsB.firstFrame! - started} ms`);
        const timeline = Object.entries(stampsB.timeline).map(([step, at]) => `${step} ${(at - started).toFixed(0)}`);
        console.log(`B's timeline: ${timeline.join(', ')}`);
        // Profiles start as the profiler does, right before B opens the link.
        report('B', profiles.B!, profiles.B!.startTime, reading);
        report('A', profiles.A!, profiles.A!.startTime, reading);
      } finally {
        await close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
