import { describe, expect, it } from 'vitest';
import { audible, remoteLoudness } from './audio-probe.ts';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, waitUntilConnected } from './person.ts';

// Chromium's real autoplay policy, which the test launch otherwise relaxes: sound plays only
// in a document the person has interacted with. A page that captures the camera may play
// sound anyway, so the listener has blocked the camera (no auto-allow) and receives only.
const suite = useCallSuite({ autoAllowMedia: false, extraArgs: ['--autoplay-policy=document-user-activation-required'] });
const person = suite.person;

/**
 * Runs in the listener's page: presses "Join without camera" from script as soon as it is
 * there (no user gesture), and says on the console when "Turn sound on" appears and whether
 * the document had been interacted with by then. Anything the test evaluates in the page
 * counts as a gesture (the DevTools protocol's `userGesture`), so the test only listens.
 */
function joinWithoutGesture(): void {
  const observer = new MutationObserver(() => {
    const buttons = [...document.querySelectorAll('button')];
    const receiveOnly = buttons.find((button) => /join without camera/i.test(button.textContent ?? ''));
    if (receiveOnly && !receiveOnly.dataset.pressed) {
      receiveOnly.dataset.pressed = 'yes';
      receiveOnly.click();
    }
    if (buttons.some((button) => button.textContent === 'Turn sound on')) {
      observer.disconnect();
      console.info(`sound blocked; interacted: ${navigator.userActivation.hasBeenActive}`);
    }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true }));
}

describe('a browser that refuses sound before the person interacts', () => {
  describe('failure', () => {
    it('shows "Turn sound on" to someone who got into the call without a click, and the sound comes once they press it', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link, enter: false, media: false, init: joinWithoutGesture });
      const blocked = await b.page.waitForEvent('console', { predicate: (message) => message.text().startsWith('sound blocked'), ...patience });
      expect(blocked.text()).toBe('sound blocked; interacted: false');
      await waitUntilConnected(a.page);

      const turnSoundOn = b.page.getByRole('button', { name: 'Turn sound on' });
      expect(await b.page.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.muted)).toBe(true);
      await turnSoundOn.click();
      await turnSoundOn.waitFor({ state: 'detached', ...patience });
      await expect.poll(async () => Object.values(await remoteLoudness(b.page)).map((heard) => heard.muted), patience).toEqual([false]);
      await expect.poll(async () => Object.values(await remoteLoudness(b.page))[0]!.peak, patience).toBeGreaterThan(audible);
      expect(b.errors).toEqual([]);
    });
  });
});
