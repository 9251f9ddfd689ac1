import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';

/** The system Chromium (Debian package); tests never download a browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, headless, loopback-only Chromium. `--use-fake-device-for-media-stream`
 * gives a synthetic camera (a moving pattern) and microphone (a beep);
 * `--use-fake-ui-for-media-stream` answers the permission prompt with "allow" unless the
 * browser context was created without the permissions (see `launchChromium({ prompt })`).
 *
 * Screen capture: with these two flags, headless Chromium (Debian's, tried on 2026-11-30)
 * answers `getDisplayMedia()` from a click with a synthetic 1280×720 monitor at 30 frames/s
 * (`screen:-3:0`), no picker shown. Without `--use-fake-ui-for-media-stream` the call waits for
 * a picker nobody can press. `--auto-select-desktop-capture-source=Entire screen` and
 * `--enable-usermedia-screen-capturing`, often suggested, changed nothing here.
 */
const baseArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  // Chromium 156 (Debian's, 2026-11-30) loads its omnibox popup, a WebUI page
  // (chrome://omnibox-popup.top-chrome/), in a renderer of its own for every new window, even
  // headless: about 1.5 s of CPU that slowed every page opened beside it on two cores (the
  // call-setup floor took 590 ms with it, 290 ms without). No page under test uses it.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI',
];

/** How to launch Chromium for a test file. */
export interface LaunchChromiumOptions {
  /**
   * Whether the camera/microphone prompt is answered "allow" automatically
   * (`--use-fake-ui-for-media-stream`). Without it, a context that was not granted the
   * permissions gets NotAllowedError, as when a person blocks the camera. Default true.
   */
  autoAllowMedia?: boolean;
  /** Extra playwright launch options. */
  launch?: LaunchOptions;
  /** Chromium flags added to the usual ones, e.g. `--autoplay-policy=user-gesture-required`. */
  extraArgs?: string[];
}

/** Launches the system Chromium once per test file. */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const args = [...(options.autoAllowMedia === false ? baseArgs : [...baseArgs, '--use-fake-ui-for-media-stream']), ...(options.extraArgs ?? [])];
  return chromium.launch({ executablePath: chromiumPath, args, ...options.launch });
}

/** What a person's browser allows the page. */
export interface PersonOptions {
  /** Origin of the page under test, for granting permissions to it. */
  origin: string;
  /** Whether camera and microphone are allowed. Default true. */
  media?: boolean;
  /** The window size. Default 1280 × 800. */
  viewport?: { width: number; height: number };
}

/**
 * One browser context per person: separate storage, permissions and media devices, like two
 * people on two machines. Clipboard access is granted so `copy-link` can be checked. Granting
 * permissions refuses every one not listed (the DevTools protocol's `Browser.grantPermissions`),
 * so the screen wake lock, which Chromium gives a page without asking, is listed too.
 */
export async function newPerson(browser: Browser, options: PersonOptions): Promise<BrowserContext> {
  const media = options.media ?? true;
  const permissions = ['clipboard-read', 'clipboard-write', 'screen-wake-lock', ...(media ? ['camera', 'microphone'] : [])];
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  await context.grantPermissions(permissions, { origin: options.origin });
  return context;
}
