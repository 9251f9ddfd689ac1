/**
 * `npm run bench:group`: what a call of four costs on this machine, with each sender's bitrate
 * and resolution scaled down as the call grows (machines/peer/send-limit.ts) and without it.
 * Four Chromium tabs (one context each, as four people) join one room made from the lobby;
 * once every picture moves, the CPU time of the whole Chromium process tree is read from /proc
 * over a fixed window, with the video each tab sends. "Without" makes `setParameters` a no-op
 * in the pages, so the browser sends at its own choice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/support/browser.ts';
import { startServer } from '../tests/support/server.ts';
import { createRoom, enterCall, openPerson, waitForMovingRemoteVideo, waitUntilConnected, type Person } from '../tests/browser/person.ts';
import { clockTicksPerSecond } from './proc.ts';

const people = 4;
/** How long the CPU is measured, once every picture moves and a settling time passed. */
const windowMs = 20_000;
const settleMs = 5_000;

/** CPU seconds (user + system) used so far by every process below this one: Chromium and its children. */
function descendantsCpuSeconds(): number {
  const parents = new Map<number, number>();
  const used = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which may itself hold spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      used.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  const isBelowUs = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) {
      if (parent === process.pid) return true;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, cpu] of used) if (isBelowUs(pid)) ticks += cpu;
  return ticks / clockTicksPerSecond();
}

/** Bytes of video sent so far and the largest frame height now, over every connection of the page. */
function sentVideo(page: Page): Promise<{ bytes: number; height: number }> {
  return page.evaluate(async () => {
    let bytes = 0;
    let height = 0;
    for (const pc of (window as unknown as { benchConnections: RTCPeerConnection[] }).benchConnections) {
      for (const entry of (await pc.getStats()).values() as IterableIterator<Record<string, number | string>>) {
        if (entry.type !== 'outbound-rtp' || entry.kind !== 'video') continue;
        bytes += Number(entry.bytesSent ?? 0);
        height = Math.max(height, Number(entry.frameHeight ?? 0));
      }
    }
    return { bytes, height };
  });
}

/** Keeps the page's connections for `sentVideo`; without scaling, also makes setParameters do nothing. */
function pageScript(scaled: boolean): string {
  return `(() => {
    const kept = [];
    window.benchConnections = kept;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native { constructor(c) { super(c); kept.push(this); } };
    if (${!scaled}) RTCRtpSender.prototype.setParameters = async function () {};
  })()`;
}

async function measure(browser: Browser, origin: string, scaled: boolean) {
  const opened: Person[] = [];
  try {
    const host = await openPerson(browser, origin);
    opened.push(host);
    await host.page.addInitScript(pageScript(scaled));
    await host.page.reload();
    const link = await createRoom(host, people);
    for (let i = 1; i < people; i++) {
      const guest = await openPerson(browser, origin, { url: 'about:blank', enter: false });
      await guest.page.addInitScript(pageScript(scaled));
      await guest.page.goto(link);
      await enterCall(guest.page);
      opened.push(guest);
    }
    await Promise.all(opened.map((person) => waitUntilConnected(person.page, people - 1, 120_000)));
    await Promise.all(opened.map((person) => waitForMovingRemoteVideo(person.page)));
    await new Promise((resolve) => setTimeout(resolve, settleMs));

    const cpuBefore = descendantsCpuSeconds();
    const videoBefore = await Promise.all(opened.map((person) => sentVideo(person.page)));
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const cpu = descendantsCpuSeconds() - cpuBefore;
    const videoAfter = await Promise.all(opened.map((person) => sentVideo(person.page)));
    const kbps = videoAfter.map((after, index) => ((after.bytes - videoBefore[index]!.bytes) * 8) / windowMs);
    return {
      scaled,
      coresBusy: cpu / (windowMs / 1000),
      ofMachine: cpu / (windowMs / 1000) / cpus().length,
      videoKbpsPerTab: Math.round(kbps.reduce((sum, value) => sum + value, 0) / kbps.length),
      sentHeights: videoAfter.map((after) => after.height),
    };
  } finally {
    await Promise.all(opened.map((person) => person.context.close()));
  }
}

const server = await startServer();
const browser = await launchChromium();
try {
  const results = [];
  for (const scaled of [true, false]) {
    const result = await measure(browser, server.origin, scaled);
    results.push(result);
    process.stderr.write(`${scaled ? 'scaled' : 'unscaled'}: ${JSON.stringify(result)}\n`);
  }
  const [withScaling, without] = results;
  console.log(
    `call of ${people}, ${cpus().length} cores: Chromium uses ${withScaling!.coresBusy.toFixed(2)} cores with scaling ` +
      `(${withScaling!.videoKbpsPerTab} kbps sent per tab, heights ${withScaling!.sentHeights.join('/')}) and ` +
      `${without!.coresBusy.toFixed(2)} without (${without!.videoKbpsPerTab} kbps, heights ${without!.sentHeights.join('/')}): ` +
      `${(withScaling!.coresBusy / without!.coresBusy).toFixed(2)}×`,
  );
} finally {
  await browser.close();
  await server.close();
}
