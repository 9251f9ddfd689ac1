import { pageAudio } from './page-audio.ts';

/** How often the microphone is read, over about the last 85 ms of sound each time. */
const readEveryMs = 100;
const windowSamples = 4096;
/** How loud a reading must be to count as a voice (RMS of the samples, 0..1); a quiet room stays far below. */
const loudLevel = 0.02;
/** The meter's range, in dB below full scale: a quiet room reads empty, a raised voice full. */
const quietDb = -60;
const loudDb = -10;
/** How long your tile stays lit after the last loud moment, so it does not flicker between words. */
const holdMs = 600;
/** Talking is this many loud readings within the last `recentMs`: a cough or a click is not. */
const talkingReadings = 3;
const recentMs = 2_000;
/**
 * Talking steadily: loud in at least half the readings of the last `recentMs`, the first of
 * them at least `steadyMs` ago: a sentence, not a word. Judged by time, not by a count of
 * readings, since a busy page reads less often than asked.
 */
const steadyShare = 0.5;
const steadyMs = 1_000;

/** What listens to a microphone: the loudness now (RMS, 0..1), and what stops it. */
export interface Listener {
  loudness(): number;
  stop(): void;
}

/**
 * How loud your own microphone is, read on this device only: the meter beside the microphone
 * choice, the outline on your own tile while you speak, "You are muted" when you speak into a
 * muted microphone, and your raised hand lowered once you have the floor. It listens to a copy
 * of the track that stays on while the microphone is muted; no sound leaves the page.
 */
export class MicLevel {
  /** The meter's reading, 0 (silence) to 1 (loud). */
  level = $state(0);
  /** Whether you are speaking into the open microphone now, held a moment between words. */
  speaking = $state(false);
  /**
   * Whether you have said something in the last two seconds, more than a click or a cough. Only
   * what you said since the microphone was last switched on or off counts: muting mid-sentence
   * is not speaking into a muted microphone.
   */
  talking = $state(false);
  /** Whether you have been talking into the open microphone for about a second of the last two: a sentence. */
  talkingSteadily = $state(false);
  #stop: (() => void) | null = null;

  /** `listen` reads a track's loudness; by default through the page's AudioContext. */
  constructor(private readonly listen: (track: MediaStreamTrack) => Listener | undefined = listenThroughPageAudio) {}

  /** Listens to `track` (replacing an earlier one); an ended or missing track stops listening. */
  watch(track: MediaStreamTrack | undefined): void {
    this.stop();
    if (track?.readyState !== 'live') return;
    const listener = this.listen(track);
    if (listener === undefined) return;
    // When each reading of the last `recentMs` was taken, and which of them were loud.
    let readAt: number[] = [];
    let loudAt: number[] = [];
    let on = track.enabled;
    const timer = setInterval(() => {
      const loudness = listener.loudness();
      const now = performance.now();
      const recent = (at: number) => now - at < recentMs;
      [readAt, loudAt] = on === track.enabled ? [readAt.filter(recent), loudAt.filter(recent)] : [[], []];
      on = track.enabled;
      readAt.push(now);
      if (loudness > loudLevel) loudAt.push(now);
      this.level = meterReading(loudness);
      this.speaking = on && loudAt.length > 0 && now - loudAt[loudAt.length - 1]! < holdMs;
      this.talking = loudAt.length >= talkingReadings;
      this.talkingSteadily = on && loudAt.length >= steadyShare * readAt.length && loudAt.length > 0 && now - loudAt[0]! >= steadyMs;
    }, readEveryMs);
    this.#stop = () => {
      clearInterval(timer);
      listener.stop();
      this.level = 0;
      this.speaking = this.talking = this.talkingSteadily = false;
    };
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }
}

/** Loudness (RMS, 0..1) as the meter shows it: decibels, spread over the meter's range. */
export function meterReading(loudness: number): number {
  if (loudness <= 0) return 0;
  const db = 20 * Math.log10(loudness);
  return Math.min(1, Math.max(0, (db - quietDb) / (loudDb - quietDb)));
}

/**
 * Listens through the page's one AudioContext (made now if no chime has made it yet) to a copy
 * of the track, switched on: muting the microphone switches off the track that is sent, not
 * the copy. Where the browser still holds the context until the person touches the page, the
 * page resumes it on their first click or key press, and the meter reads silence until then.
 */
function listenThroughPageAudio(track: MediaStreamTrack): Listener | undefined {
  const context = pageAudio();
  if (context === undefined) return undefined;
  if (context.state === 'suspended') void context.resume();
  const copy = track.clone();
  copy.enabled = true;
  const source = context.createMediaStreamSource(new MediaStream([copy]));
  const analyser = context.createAnalyser();
  analyser.fftSize = windowSamples;
  source.connect(analyser);
  const samples = new Float32Array(windowSamples);
  return {
    loudness() {
      analyser.getFloatTimeDomainData(samples);
      return rms(samples);
    },
    stop() {
      source.disconnect();
      copy.stop();
    },
  };
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}
