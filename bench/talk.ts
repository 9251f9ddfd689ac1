/**
 * `npm run bench:talk`: what chat's neighbours cost on this machine, in a call of two Chromium
 * tabs on loopback.
 * - File throughput: a random file of `fileMiB` sent `runs` times from one tab to the other,
 *   timed from the pick to the receiver's `done` (after its SHA-256 check), both ends' clocks
 *   being this machine's.
 * - Stats panel: the sending tab's main-thread busy time (CDP `Performance.getMetrics`,
 *   `TaskDuration`) per second with the stats panel closed and open, alternating `windows`
 *   times, `windowMs` each.
 * Run it on a quiet machine: both numbers move with the load.
 */
import type { Page } from 'playwright-core';
import { launchChromium } from '../tests/support/browser.ts';
import { startServer } from '../tests/support/server.ts';
import { createRoom, openPerson, waitUntilConnected } from '../tests/browser/person.ts';

const fileMiB = Number(process.env.BENCH_TALK_MIB ?? 32);
const runs = Number(process.env.BENCH_TALK_RUNS ?? 3);
const windows = Number(process.env.BENCH_TALK_WINDOWS ?? 3);
const windowMs = Number(process.env.BENCH_TALK_WINDOW_MS ?? 10_000);

/** Picks a random file of `bytes` in the page's file input, as a person would; returns when (epoch ms, sub-ms). */
function pickRandomFile(page: Page, bytes: number): Promise<number> {
  return page.evaluate((size) => {
    const data = new Uint8Array(size);
    for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(data.subarray(at, at + 65_536));
    const input = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
    const picked = new DataTransfer();
    picked.items.add(new File([data], 'bench.bin'));
    input.files = picked.files;
    const at = performance.timeOrigin + performance.now();
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return at;
  }, bytes);
}

/** Records, in the page, when each received file turns `done` (epoch ms). */
function recordArrivals(page: Page): Promise<void> {
  return page.evaluate(() => {
    const arrivals: number[] = [];
    (window as unknown as { arrivals: number[] }).arrivals = arrivals;
    const seen = new WeakSet<Element>();
    new MutationObserver(() => {
      for (const entry of document.querySelectorAll('[data-testid="file-transfer"][data-state="done"]')) {
        if (seen.has(entry) || entry.querySelector('a[download]') === null) continue;
        seen.add(entry);
        arrivals.push(performance.timeOrigin + performance.now());
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

/** The page's main-thread busy seconds so far, read through one CDP session kept for the page (metrics count from `Performance.enable`). */
async function mainThreadClock(page: Page): Promise<() => Promise<number>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  return async () => (await session.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
}

/** Busy seconds of the page's main thread per second of wall time, over one window. */
async function busyShare(busySeconds: () => Promise<number>): Promise<number> {
  const before = await busySeconds();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  return ((await busySeconds()) - before) / ((performance.now() - started) / 1000);
}

const server = await startServer();
const browser = await launchChromium();
try {
  const alice = await openPerson(browser, server.origin);
  const bob = await openPerson(browser, server.origin, { url: await createRoom(alice) });
  await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
  for (const page of [alice.page, bob.page]) await page.getByRole('button', { name: /^Chat/ }).click();
  await bob.page.getByTestId('file-input').waitFor();
  await recordArrivals(bob.page);

  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = await pickRandomFile(alice.page, fileMiB * 1024 * 1024);
    await bob.page.waitForFunction((count) => (window as unknown as { arrivals: number[] }).arrivals.length >= count, run + 1, { polling: 50, timeout: 300_000 });
    const arrived = await bob.page.evaluate((index) => (window as unknown as { arrivals: number[] }).arrivals[index]!, run);
    rates.push((fileMiB * 1024 * 1024) / 1e6 / ((arrived - started) / 1000));
    process.stderr.write(`file ${run + 1}: ${fileMiB} MiB in ${((arrived - started) / 1000).toFixed(2)} s\n`);
  }

  const busySeconds = await mainThreadClock(alice.page);
  const closed: number[] = [];
  const open: number[] = [];
  for (let round = 0; round < windows; round++) {
    closed.push(await busyShare(busySeconds));
    await alice.page.getByRole('button', { name: 'Stats' }).click();
    await alice.page.getByTestId('stats').waitFor();
    open.push(await busyShare(busySeconds));
    await alice.page.getByRole('button', { name: 'Stats' }).click();
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const result = {
    fileMiB,
    throughputMBps: rates.map((rate) => Math.round(rate * 10) / 10),
    mainThreadClosed: Math.round(mean(closed) * 1000) / 10,
    mainThreadOpen: Math.round(mean(open) * 1000) / 10,
  };
  console.log(JSON.stringify(result));
  console.log(
    `file transfer on loopback: ${result.throughputMBps.join(' / ')} MB/s (${fileMiB} MiB, SHA-256 checked); ` +
      `stats panel: page main thread busy ${result.mainThreadClosed} % closed, ${result.mainThreadOpen} % open`,
  );
  await Promise.all([alice.context.close(), bob.context.close()]);
} finally {
  await browser.close();
  await server.close();
}
