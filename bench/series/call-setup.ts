/**
 * Series 4: call setup in Chromium, fake media, loopback. Parley: A creates a room, then the
 * clock starts as B opens the room link; B presses `join-call` on the pre-join screen as soon
 * as it is enabled; measured are both handshakes `connected` and B's first decoded remote
 * frame. Floor: one page connects two RTCPeerConnections with no server; the clock starts as
 * the page is opened. Two-page floor: one bare page per person signalling through the floor
 * relay; A waits, the clock starts as B's page is opened (the part of Parley's gap that any
 * two pages on this machine would have). Runs alternate Parley, floor, two-page floor,
 * Parley, ... so that all see the same machine; one unmeasured run of each warms the browser
 * up first. Around each run the CPU of every Chromium process and of the server (or relay) is
 * read (bench/browser-cpu.ts).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchChromium, newPerson } from '../../tests/support/browser.ts';
import type { BenchConfig } from '../cli.ts';
import { browserCpuMs, cpuBetween, type CpuByKind } from '../browser-cpu.ts';
import { clockTicksPerSecond, type ProcessGroup, type ServerProcess } from '../proc.ts';
import { median, ratio, summarize } from '../stats.ts';
import { floorPageHtml, observerScript, pairFloorPageHtml, type PageStamps } from './call-setup-pages.ts';
import { ensurePageBuilt } from './page-weight.ts';

/** p50/p95 of one measure, in ms from the start of the run. */
export interface SetupTimes {
  runs: number;
  failures: number;
  connectedP50Ms: number;
  connectedP95Ms: number;
  firstFrameP50Ms: number;
  firstFrameP95Ms: number;
  firstFailure?: string;
  /**
   * Median ms from the start to the first time of each step in the measured browser (B, or
   * the floor page), earliest first: where the setup time goes.
   */
  timeline: Array<[step: string, ms: number]>;
  /** Median ms of main-thread long tasks (> 50 ms) from the start until connected, per page. */
  longTaskMs: Record<string, number>;
  /**
   * Median CPU ms a run took, by kind of Chromium process (both pages' renderers together) and
   * `server` (the signaling server), from the start until both connected and the frame shown.
   */
  cpuMs: CpuByKind;
}

export interface CallSetupResult {
  parley: SetupTimes;
  floor: SetupTimes;
  pairFloor: SetupTimes;
  /** Parley − floor, p50 of both-connected (the target: within 100 ms). */
  connectedP50OverFloorMs: number;
  /** Parley − two-page floor, p50 of both-connected: what Parley's own pages add. */
  connectedP50OverPairFloorMs: number;
  connectedP50Ratio: number;
  firstFrameP50Ratio: number;
}

/** Longest one run may take before it counts as failed. */
const runTimeoutMs = 30_000;

/** One run's times (ms from its start), or why it failed. */
type RunOutcome =
  | { connectedMs: number; firstFrameMs: number; timeline: Record<string, number>; longTaskMs: Record<string, number>; cpuMs: CpuByKind }
  | { error: string };

const ticksPerSecond = clockTicksPerSecond();

/** Starts counting the CPU of the browser (and the server, if any); the result stops and reads it. */
function countCpu(server?: ServerProcess): () => CpuByKind {
  const browser = browserCpuMs(ticksPerSecond);
  const serverSeconds = server?.cpuSeconds();
  return () => {
    const used = cpuBetween(browser, browserCpuMs(ticksPerSecond));
    if (server !== undefined) used.server = (server.cpuSeconds() - serverSeconds!) * 1000;
    return used;
  };
}

/** Long-task time in [start, end] (both epoch ms). */
function busyBetween(stamps: PageStamps, start: number, end: number): number {
  return stamps.longTasks.filter(([at]) => at >= start && at <= end).reduce((sum, [, duration]) => sum + duration, 0);
}

/** A page's timeline as ms from `start`. */
function relative(timeline: Record<string, number>, start: number): Record<string, number> {
  return Object.fromEntries(Object.entries(timeline).map(([step, time]) => [step, time - start]));
}

async function waitForStamps(page: Page, need: Array<keyof PageStamps>): Promise<PageStamps> {
  // The observer resolves this as the stamps are written: no polling in the measured page.
  const settled = page.evaluate((keys) => (window as unknown as { __benchWhen(keys: string[]): Promise<void> }).__benchWhen(keys), need);
  // Closing a page that never settled rejects this after the race is over: nothing to report.
  settled.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${need.join(' and ')} within ${runTimeoutMs} ms`)), runTimeoutMs);
  });
  try {
    await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
  // A requestVideoFrameCallback stamp can arrive just after the others, with an earlier time.
  await page.waitForTimeout(100);
  return page.evaluate(() => (window as unknown as { __benchStamps: PageStamps }).__benchStamps);
}

/** Two people in one browser, A in a room it created, B's page (observed) not opened yet. */
export interface RoomPair {
  pageA: Page;
  pageB: Page;
  /** The room's link, as A's page shows it. */
  url: string;
  close(): Promise<void>;
}

/** A creates a room on its page (observed); B gets a page, observed too, for the link. */
export async function createRoom(browser: Browser, origin: string): Promise<RoomPair> {
  const personA = await newPerson(browser, { origin });
  const personB = await newPerson(browser, { origin });
  const close = async () => {
    await personA.close();
    await personB.close();
  };
  try {
    await personA.addInitScript(observerScript);
    const pageA = await personA.newPage();
    await pageA.goto(`${origin}/`);
    await pageA.getByTestId('create-room').click({ timeout: 10_000 });
    const link = pageA.getByTestId('room-link');
    await link.waitFor({ timeout: 10_000 });
    const url = await link.evaluate((node) => ('value' in node ? String((node as HTMLInputElement).value) : node.textContent ?? '').trim());
    if (!url.startsWith('http')) throw new Error(`room-link holds no URL: "${url}"`);
    await personB.addInitScript(observerScript);
    return { pageA, pageB: await personB.newPage(), url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Presses `join-call` in the page the moment it is enabled (an init script). Playwright's own
 * click checks the button from outside over several round trips and waits for it to be stable,
 * which under load added hundreds of milliseconds that no person's click pays.
 */
const pressJoinWhenEnabled = `(() => {
  const press = () => {
    const button = document.querySelector('[data-testid="join-call"]');
    if (button === null || button.disabled) return;
    observer.disconnect();
    button.click();
  };
  const observer = new MutationObserver(press);
  document.addEventListener('DOMContentLoaded', () => {
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
    press();
  });
})()`;

/**
 * B opens the link (observed) and enters from the pre-join screen as soon as it can, as the
 * quickest person would; resolves with both pages' stamps once both are connected.
 */
export async function joinRoom(pageA: Page, pageB: Page, url: string): Promise<[PageStamps, PageStamps]> {
  await pageB.addInitScript(pressJoinWhenEnabled);
  await pageB.goto(url);
  return Promise.all([waitForStamps(pageA, ['connected']), waitForStamps(pageB, ['connected', 'firstFrame'])]);
}

async function parleyRun(browser: Browser, server: ServerProcess): Promise<RunOutcome> {
  let pair: RoomPair | undefined;
  try {
    pair = await createRoom(browser, `http://127.0.0.1:${server.port}`);
    const { pageA, pageB, url } = pair;
    const cpu = countCpu(server);
    const start = Date.now();
    const [stampsA, stampsB] = await joinRoom(pageA, pageB, url);
    const cpuMs = cpu();
    const error = stampsA.error ?? stampsB.error;
    if (error !== undefined) return { error };
    const connected = Math.max(stampsA.connected!, stampsB.connected!);
    return {
      longTaskMs: { B: busyBetween(stampsB, start, connected), A: busyBetween(stampsA, start, connected) },
      cpuMs,
      connectedMs: connected - start,
      firstFrameMs: stampsB.firstFrame! - start,
      timeline: {
        ...relative(stampsB.timeline, start),
        // A's steps after B arrived (its own setup came before the clock started).
        ...Object.fromEntries(
          Object.entries(relative(stampsA.timeline, start))
            .filter(([, ms]) => ms >= 0)
            .map(([step, ms]) => [`A:${step}`, ms]),
        ),
      },
    };
  } catch (error) {
    return { error: String(error).split('\n')[0]! };
  } finally {
    await pair?.close();
  }
}

async function floorRun(browser: Browser, origin: string): Promise<RunOutcome> {
  const person = await newPerson(browser, { origin });
  try {
    const page = await person.newPage();
    const cpu = countCpu();
    const start = Date.now();
    await page.goto(`${origin}/floor`);
    const stamps = await waitForStamps(page, ['connected', 'firstFrame']);
    const cpuMs = cpu();
    if (stamps.error !== undefined) return { error: stamps.error };
    return {
      connectedMs: stamps.connected! - start,
      firstFrameMs: stamps.firstFrame! - start,
      timeline: relative(stamps.timeline, start),
      longTaskMs: { page: busyBetween(stamps, start, stamps.connected!) },
      cpuMs,
    };
  } catch (error) {
    return { error: String(error).split('\n')[0]! };
  } finally {
    await person.close();
  }
}

/** A, waiting in the call; then the clock starts as B's page is opened, as in `parleyRun`. */
async function pairFloorRun(browser: Browser, origin: string, relay: ServerProcess, pair: number): Promise<RunOutcome> {
  const personA = await newPerson(browser, { origin });
  const personB = await newPerson(browser, { origin });
  try {
    await personA.addInitScript(observerScript);
    await personB.addInitScript(observerScript);
    const pageA = await personA.newPage();
    const pageB = await personB.newPage();
    await pageA.goto(`${origin}/pair?role=a&pair=${pair}`);
    await pageA.waitForFunction(() => (window as unknown as { __benchReady?: boolean }).__benchReady === true, undefined, { timeout: runTimeoutMs });
    const cpu = countCpu(relay);
    const start = Date.now();
    await pageB.goto(`${origin}/pair?role=b&pair=${pair}`);
    const [stampsA, stampsB] = await Promise.all([waitForStamps(pageA, ['connected']), waitForStamps(pageB, ['connected', 'firstFrame'])]);
    const cpuMs = cpu();
    const error = stampsA.error ?? stampsB.error;
    if (error !== undefined) return { error };
    const connected = Math.max(stampsA.connected!, stampsB.connected!);
    return {
      connectedMs: connected - start,
      firstFrameMs: stampsB.firstFrame! - start,
      timeline: relative(stampsB.timeline, start),
      longTaskMs: { B: busyBetween(stampsB, start, connected), A: busyBetween(stampsA, start, connected) },
      cpuMs,
    };
  } catch (error) {
    return { error: String(error).split('\n')[0]! };
  } finally {
    await personA.close();
    await personB.close();
  }
}

function times(outcomes: RunOutcome[]): SetupTimes {
  const ok = outcomes.filter((outcome): outcome is Exclude<RunOutcome, { error: string }> => !('error' in outcome));
  const failed = outcomes.filter((outcome): outcome is { error: string } => 'error' in outcome);
  const connected = summarize(ok.map((outcome) => outcome.connectedMs));
  const firstFrame = summarize(ok.map((outcome) => outcome.firstFrameMs));
  const steps = new Set(ok.flatMap((outcome) => Object.keys(outcome.timeline)));
  const timeline = [...steps]
    .map((step): [string, number] => [step, median(ok.flatMap((outcome) => outcome.timeline[step] ?? []))])
    .sort((a, b) => a[1] - b[1]);
  const pages = new Set(ok.flatMap((outcome) => Object.keys(outcome.longTaskMs)));
  const longTaskMs = Object.fromEntries([...pages].map((page) => [page, median(ok.map((outcome) => outcome.longTaskMs[page] ?? 0))]));
  const kinds = new Set(ok.flatMap((outcome) => Object.keys(outcome.cpuMs)));
  const cpuMs = Object.fromEntries(
    [...kinds]
      .map((kind): [string, number] => [kind, median(ok.map((outcome) => outcome.cpuMs[kind] ?? 0))])
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1]),
  );
  return {
    runs: ok.length,
    failures: failed.length,
    connectedP50Ms: connected.p50,
    connectedP95Ms: connected.p95,
    firstFrameP50Ms: firstFrame.p50,
    firstFrameP95Ms: firstFrame.p95,
    ...(failed.length > 0 ? { firstFailure: failed[0]!.error } : {}),
    timeline,
    longTaskMs,
    cpuMs,
  };
}

/**
 * A loopback server for the floor pages, a secure origin (127.0.0.1) for getUserMedia: `/pair`
 * is the two-page floor's page, signalling through the relay on `relayPort`; anything else the
 * one-page floor.
 */
async function startFloorPageServer(relayPort: number): Promise<Server> {
  const html = floorPageHtml();
  const pairHtml = pairFloorPageHtml(relayPort);
  const server = createServer((request, response) =>
    response.writeHead(200, { 'content-type': 'text/html' }).end(request.url?.startsWith('/pair') ? pairHtml : html),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Runs the call-setup series, or says why it was skipped. */
export async function runCallSetup(input: {
  group: ProcessGroup;
  config: BenchConfig;
  log: (line: string) => void;
}): Promise<CallSetupResult | { skipped: string }> {
  const { group, config, log } = input;
  if (!existsSync(chromiumPath)) {
    const skipped = `Chromium is not installed at ${chromiumPath} (Debian package chromium, or set CHROMIUM_PATH)`;
    log(`call-setup: skipped, ${skipped}`);
    return { skipped };
  }
  const build = ensurePageBuilt(log);
  if ('skipped' in build) return build;
  const [server, relay] = await Promise.all([group.start('parley', { env: { WEB_ROOT: build.root } }), group.start('floor')]);
  const floorServer = await startFloorPageServer(relay.port);
  const browser = await launchChromium().catch(async (error: unknown) => {
    // Nothing else may keep the bench's event loop alive after the series failed.
    floorServer.close();
    await Promise.all([server.stop(), relay.stop()]);
    throw error;
  });
  try {
    const floorOrigin = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}`;
    const warm = await parleyRun(browser, server);
    if ('error' in warm) return { skipped: `the Parley page could not make a call (${warm.error})` };
    await floorRun(browser, floorOrigin);
    await pairFloorRun(browser, floorOrigin, relay, 0);
    const parley: RunOutcome[] = [];
    const floor: RunOutcome[] = [];
    const pairFloor: RunOutcome[] = [];
    for (let run = 0; run < config.callSetup.runs; run++) {
      parley.push(await parleyRun(browser, server));
      floor.push(await floorRun(browser, floorOrigin));
      pairFloor.push(await pairFloorRun(browser, floorOrigin, relay, run + 1));
      const [parleyRead, floorRead, pairRead] = [parley.at(-1)!, floor.at(-1)!, pairFloor.at(-1)!].map((outcome) =>
        'error' in outcome
          ? `failed (${outcome.error})`
          : `${outcome.connectedMs.toFixed(0)} ms connected, ${outcome.firstFrameMs.toFixed(0)} ms first frame`,
      );
      log(`call-setup run ${run + 1}/${config.callSetup.runs}: parley ${parleyRead}; floor ${floorRead}; two-page floor ${pairRead}`);
    }
    const result: CallSetupResult = {
      parley: times(parley),
      floor: times(floor),
      pairFloor: times(pairFloor),
      connectedP50OverFloorMs: Number.NaN,
      connectedP50OverPairFloorMs: Number.NaN,
      connectedP50Ratio: Number.NaN,
      firstFrameP50Ratio: Number.NaN,
    };
    result.connectedP50OverFloorMs = result.parley.connectedP50Ms - result.floor.connectedP50Ms;
    result.connectedP50OverPairFloorMs = result.parley.connectedP50Ms - result.pairFloor.connectedP50Ms;
    result.connectedP50Ratio = ratio(result.parley.connectedP50Ms, result.floor.connectedP50Ms);
    result.firstFrameP50Ratio = ratio(result.parley.firstFrameP50Ms, result.floor.firstFrameP50Ms);
    return result;
  } finally {
    await browser.close();
    floorServer.close();
    await Promise.all([server.stop(), relay.stop()]);
  }
}
