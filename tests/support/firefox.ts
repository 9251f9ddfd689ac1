import puppeteer, { type Browser } from 'puppeteer-core';

/** The system Firefox ESR (Debian package); tests never download a browser. */
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Launches the system Firefox, headless, driven over WebDriver BiDi by puppeteer-core
 * (playwright-core drives only its own patched Firefox builds). Its fake camera (a coloured
 * pattern) and microphone (a tone) stand in for devices, and the camera prompt is answered
 * "allow"; sound may play without a click, as after a person's first click in a real tab.
 */
export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
    },
  });
}
