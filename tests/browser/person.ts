import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newPerson } from '../support/browser.ts';

/**
 * How long `expect.poll` waits for what a person would notice. Its default (1 s) is too short
 * on a busy two-core machine running two or three Chromium tabs; the test timeout still bounds it.
 */
export const patience = { timeout: 30_000 } as const;

/**
 * How `waitForFunction` looks again: on a timer rather than Playwright's default of every
 * animation frame, which a busy or background page may not draw for seconds at a time.
 */
const polling = { polling: 100 } as const;

/** One person at one browser: their own context (permissions, devices) and one tab. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen on the page, in order. */
  errors: string[];
}

/** What a person's browser allows, and where they start. */
export interface OpenOptions {
  /** Whether camera and microphone are allowed. Default true. */
  media?: boolean;
  /** Where to open: `/` (the lobby) or a room link. Default `/`. */
  url?: string;
  /**
   * For a room link: press `join-call` on the pre-join screen once it can be pressed, as a
   * person who just wants in would. Default true; false stays on the pre-join screen.
   */
  enter?: boolean;
  /** The name typed into `display-name` (in the lobby, or on the pre-join screen before joining). */
  name?: string;
  /** The window size. Default 1280 × 800. */
  viewport?: { width: number; height: number };
  /** Runs in the page before its own scripts, e.g. to watch a browser API. */
  init?: () => void;
}

/** Opens the page for a new person and records what the page complains about. */
export async function openPerson(browser: Browser, origin: string, options: OpenOptions = {}): Promise<Person> {
  const context = await newPerson(browser, { origin, media: options.media ?? true, viewport: options.viewport });
  if (options.init) await context.addInitScript(options.init);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  await page.goto(options.url ?? origin);
  if (options.name !== undefined) await page.getByTestId('display-name').fill(options.name);
  if (options.url?.includes('/r/') && (options.enter ?? true)) await enterCall(page);
  return { context, page, errors };
}

/**
 * On the pre-join screen: waits until the camera is on (`join-call` enabled) and presses it.
 * When the page says instead why it cannot go on (a full room, a blocked camera), it leaves
 * that on the screen for the test to read.
 */
export async function enterCall(page: Page): Promise<void> {
  const ready = await page.waitForFunction(() => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="join-call"]');
    if (button !== null && !button.disabled) return 'ready';
    return document.querySelector('[data-testid="error"]') === null ? false : 'refused';
  }, undefined, polling);
  if ((await ready.jsonValue()) === 'ready') await page.getByTestId('join-call').click();
}

/** Picks the room size (default: the lobby's own), presses "create" and resolves with the shareable link shown once the room exists. */
export async function createRoom(person: Person, size?: number): Promise<string> {
  if (size !== undefined) await person.page.getByTestId('room-size').selectOption(String(size));
  await person.page.getByTestId('create-room').click();
  const link = person.page.getByTestId('room-link');
  await link.waitFor();
  return link.inputValue();
}

/** The `handshake-state` text of every remote peer, by peer id. */
export async function handshakeStates(page: Page): Promise<Record<string, string>> {
  return page.getByTestId('handshake-state').evaluateAll((elements) =>
    Object.fromEntries(elements.map((element) => [element.getAttribute('data-peer-id') ?? '', element.textContent ?? ''])),
  );
}

/**
 * Waits until exactly `count` remote peers are shown and every one reads `connected`, for at
 * most `timeout` ms (Playwright's 30 s by default; a call of four on a busy machine takes longer).
 */
export async function waitUntilConnected(page: Page, count = 1, timeout?: number): Promise<void> {
  try {
    await page.waitForFunction((expected) => {
      const states = [...document.querySelectorAll('[data-testid="handshake-state"]')].map((element) => element.textContent);
      return states.length === expected && states.every((state) => state === 'connected');
    }, count, timeout === undefined ? polling : { ...polling, timeout });
  } catch (error) {
    // Say what the person saw instead, so a failure can be understood from its message.
    const seen = await handshakeStates(page).catch(() => ({}));
    throw new Error(`expected ${count} connected peer(s), the page shows ${JSON.stringify(seen)}`, { cause: error });
  }
}

/**
 * Waits until every remote video shows moving pictures: a decoded size and a frame count
 * that keeps growing past what it was when first seen (a frozen frame would not).
 */
export async function waitForMovingRemoteVideo(page: Page): Promise<void> {
  try {
    await waitForFrames(page);
  } catch (error) {
    // Say what the remote videos and the connections did instead, so a failure can be understood.
    const seen = await describeRemoteVideo(page).catch(() => 'nothing (the page did not answer)');
    throw new Error(`expected moving remote pictures, the page shows ${seen}`, { cause: error });
  }
}

/** The remote videos' elements and, where `watchPeerConnections` runs, the connections' video stats. */
async function describeRemoteVideo(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('[data-testid="remote-video"]')].map((video) => ({
      paused: video.paused,
      size: `${video.videoWidth}x${video.videoHeight}`,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
      tracks: (video.srcObject as MediaStream | null)?.getVideoTracks().map((track) => `${track.readyState}${track.muted ? ' muted' : ''}`),
    }));
    const connections = await Promise.all(
      ((window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections ?? []).map(async (pc) => {
        const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
        const video = (type: string) => stats.filter((entry) => entry.type === type && entry.kind === 'video');
        return {
          state: `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`,
          received: video('inbound-rtp').map((entry) => ({ packets: entry.packetsReceived, decoded: entry.framesDecoded, keyFrames: entry.keyFramesDecoded, plis: entry.pliCount })),
          sent: video('outbound-rtp').map((entry) => ({ packets: entry.packetsSent, encoded: entry.framesEncoded, limit: entry.qualityLimitationReason })),
        };
      }),
    );
    return JSON.stringify({ videos, connections });
  });
}

async function waitForFrames(page: Page): Promise<void> {
  const remote = page.getByTestId('remote-video');
  await page.waitForFunction(() => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('[data-testid="remote-video"]')];
    return videos.length > 0 && videos.every((video) => video.videoWidth > 0 && video.getVideoPlaybackQuality().totalVideoFrames > 0);
  }, undefined, polling);
  const before = await remote.evaluateAll((videos) => (videos as HTMLVideoElement[]).map((video) => video.getVideoPlaybackQuality().totalVideoFrames));
  await page.waitForFunction(
    (baseline) =>
      [...document.querySelectorAll<HTMLVideoElement>('[data-testid="remote-video"]')].every(
        (video, index) => video.getVideoPlaybackQuality().totalVideoFrames >= (baseline[index] ?? 0) + 10,
      ),
    before,
    polling,
  );
}

/** Waits until every remote video carries a live audio track that is receiving (not muted). */
export async function waitForLiveRemoteAudio(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('[data-testid="remote-video"]')];
    return (
      videos.length > 0 &&
      videos.every((video) => {
        const tracks = video.srcObject instanceof MediaStream ? video.srcObject.getAudioTracks() : [];
        return tracks.some((track) => track.readyState === 'live' && !track.muted);
      })
    );
  }, undefined, polling);
}

/** The `error` element's code and words, once one is shown. */
export async function shownError(page: Page): Promise<{ code: string | null; text: string }> {
  const alert = page.getByTestId('error');
  await alert.waitFor();
  return { code: await alert.getAttribute('data-code'), text: (await alert.innerText()).trim() };
}

/**
 * Starts recording every word any `handshake-state` shows from now on, so a test can tell
 * whether a connection ever left `connected` (say, while the server was away).
 */
export async function recordHandshakeWords(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    const read = () => {
      for (const element of document.querySelectorAll('[data-testid="handshake-state"]')) seen.add(element.textContent ?? '');
    };
    read();
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
    (window as unknown as { handshakeWords: Set<string> }).handshakeWords = seen;
  });
}

/** Every handshake word shown since `recordHandshakeWords`, sorted. */
export async function recordedHandshakeWords(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { handshakeWords: Set<string> }).handshakeWords].sort());
}

/** Keeps every RTCPeerConnection the page makes in `window.peerConnections` (an `init` script), to look at them from the test. */
export function watchPeerConnections(): void {
  const seen: RTCPeerConnection[] = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      seen.push(this);
    }
  };
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = seen;
}

/** The signaling state of each real RTCPeerConnection the page made, oldest first (`watchPeerConnections`). */
export function signalingStates(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.map((pc) => pc.signalingState));
}

/**
 * What the newest RTCPeerConnection of the page uses now (`watchPeerConnections`): its ICE
 * ufrag, the selected candidates' types and the local candidate's port.
 */
export function selectedPath(page: Page): Promise<{ ufrag: string; local: string; remote: string; port: number }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1)!;
    const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
    const transport = stats.find((entry) => entry.type === 'transport');
    const pair = stats.find((entry) => entry.id === transport?.selectedCandidatePairId);
    const typeOf = (id: unknown) => String(stats.find((entry) => entry.id === id)?.candidateType ?? 'none');
    const port = Number(stats.find((entry) => entry.id === pair?.localCandidateId)?.port ?? 0);
    const ufrag = /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? '')?.[1] ?? '';
    return { ufrag, local: typeOf(pair?.localCandidateId), remote: typeOf(pair?.remoteCandidateId), port };
  });
}
