import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { patience } from './person.ts';

const suite = useCallSuite();

/** What the page asks of the speakers: where the people's sound and its own go, and each note it plays. */
interface SpeakersSeen {
  people: string[];
  page: string[];
  notes: number;
}

/** Records every `setSinkId` of a media element (a person's sound) or of an AudioContext (the page's own), and every note played. */
function watchSpeakers(): void {
  const seen: SpeakersSeen = { people: [], page: [], notes: 0 };
  (window as unknown as { speakersSeen: SpeakersSeen }).speakersSeen = seen;
  type Sinkable = { setSinkId(id: string): Promise<void> };
  const element = HTMLMediaElement.prototype as unknown as Sinkable;
  const elementSink = element.setSinkId;
  element.setSinkId = function (this: Sinkable, id: string) {
    seen.people.push(id);
    return elementSink.call(this, id);
  };
  const context = AudioContext.prototype as unknown as Sinkable;
  const contextSink = context.setSinkId;
  context.setSinkId = function (this: Sinkable, id: string) {
    seen.page.push(id);
    return contextSink.call(this, id);
  };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
    seen.notes += 1;
    start.call(this, when);
  };
}

describe('choosing a speaker', () => {
  describe('happy path', () => {
    it('plays the people and the page\'s own sounds on the speaker picked, and a test sound on request', { timeout: 120_000 }, async () => {
      const { alice } = await suite.call({ alice: { init: watchSpeakers } });
      const seen = () => alice.page.evaluate(() => (window as unknown as { speakersSeen: SpeakersSeen }).speakersSeen);
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
