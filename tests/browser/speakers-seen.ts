import type { Page } from 'playwright-core';

/** What the page asks of the speakers: where the people's sound and its own go, and each note it plays. */
export interface SpeakersSeen {
  people: string[];
  page: string[];
  notes: number;
}

/** Records every `setSinkId` of a media element (a person's sound) or of an AudioContext (the page's own), and every note played. */
export function watchSpeakers(): void {
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

/** What `watchSpeakers` has seen on `page` so far. */
export function speakersSeen(page: Page): Promise<SpeakersSeen> {
  return page.evaluate(() => (window as unknown as { speakersSeen: SpeakersSeen }).speakersSeen);
}
