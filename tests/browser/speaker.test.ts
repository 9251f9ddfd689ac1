import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { patience } from './person.ts';
import { speakersSeen, watchSpeakers } from './speakers-seen.ts';

const suite = useCallSuite();

describe('choosing a speaker', () => {
  describe('happy path', () => {
    it('plays the people and the page\'s own sounds on the speaker picked, and a test sound on request', { timeout: 120_000 }, async () => {
      const { alice } = await suite.call({ alice: { init: watchSpeakers } });
      const seen = () => speakersSeen(alice.page);
      await alice.page.getByRole('button', { name: 'Devices' }).click();
      const select = alice.page.getByTestId('speaker-select');
      const speakers = await select.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
      const picked = speakers.find((id) => id !== '');
      expect(picked, `a speaker besides the default among ${JSON.stringify(speakers)}`).toBeDefined();
      await select.selectOption(picked!);

      await expect.poll(async () => (await seen()).people.at(-1), patience).toBe(picked);
      await expect.poll(async () => (await seen()).page.at(-1), patience).toBe(picked);
      const before = (await seen()).notes;
      await alice.page.getByTestId('test-speaker').click();
      await expect.poll(async () => (await seen()).notes - before, patience).toBe(2);
      expect(alice.errors).toEqual([]);
    });
  });
});
