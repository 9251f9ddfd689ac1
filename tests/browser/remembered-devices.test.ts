import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { audible, remoteLoudness } from './audio-probe.ts';
import { createRoom, patience } from './person.ts';
import { speakersSeen, watchSpeakers } from './speakers-seen.ts';

const suite = useCallSuite();

/** Picks the last device a select lists, one that is not in use now, and returns its id. */
async function pickAnother(select: Locator): Promise<string> {
  const ids = await select.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  const picked = ids.at(-1)!;
  expect(picked, `another device than the one in use among ${JSON.stringify(ids)}`).not.toBe(await select.inputValue());
  await select.selectOption(picked);
  await expect.poll(() => select.inputValue(), patience).toBe(picked);
  return picked;
}

describe('the devices and sound picked', () => {
  describe('happy path', () => {
    it('start the next call: the microphone and the speaker picked in the last one, the page\'s chimes on that speaker too', { timeout: 120_000 }, async () => {
      const ana = await suite.person({ name: 'Ana', init: watchSpeakers });
      await createRoom(ana);
      await ana.page.getByRole('button', { name: 'Devices' }).click();
      const mic = await pickAnother(ana.page.getByTestId('mic-select'));
      const speaker = await pickAnother(ana.page.getByTestId('speaker-select'));
      await ana.page.getByTestId('hang-up').click();

      // Another day, another room, in the same browser.
      await ana.page.goto(suite.server.origin);
      await createRoom(ana);
      const sending = () =>
        ana.page.evaluate(() => {
          const stream = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')?.srcObject as MediaStream | null;
          return stream?.getAudioTracks()[0]?.getSettings().deviceId;
        });
      await expect.poll(sending, patience).toBe(mic);
      await ana.page.getByRole('button', { name: 'Devices' }).click();
      expect(await ana.page.getByTestId('mic-select').inputValue()).toBe(mic);
      expect(await ana.page.getByTestId('speaker-select').inputValue()).toBe(speaker);

      // The chime for someone joining plays on that speaker too, the Devices panel closed.
      await ana.page.goto(suite.server.origin);
      const again = await createRoom(ana);
      await suite.person({ url: again, name: 'Bo' });
      await expect.poll(async () => (await speakersSeen(ana.page)).notes, patience).toBeGreaterThan(0);
      expect((await speakersSeen(ana.page)).page).toEqual([speaker]);
      expect(ana.errors).toEqual([]);
    });

    it('send the microphone\'s original sound once it is chosen, heard by the others, and in the next call', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const processing = () =>
        alice.page.evaluate(() => {
          const stream = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')?.srcObject as MediaStream | null;
          const settings = stream?.getAudioTracks()[0]?.getSettings();
          return [settings?.echoCancellation, settings?.noiseSuppression, settings?.autoGainControl];
        });
      expect(await processing()).toEqual([true, true, true]);
      await alice.page.getByRole('button', { name: 'Devices' }).click();
      await alice.page.getByRole('checkbox', { name: /Original sound/ }).check();
      await expect.poll(processing, patience).toEqual([false, false, false]);
      await expect.poll(async () => Object.values(await remoteLoudness(bob.page)).filter(({ muted, peak }) => !muted && peak > audible).length, patience).toBe(1);

      await alice.page.getByTestId('hang-up').click();
      await alice.page.goto(suite.server.origin);
      await createRoom(alice);
      await expect.poll(processing, patience).toEqual([false, false, false]);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });
  });
});
