import { pageAudio } from './page-audio.ts';

/** How loud a reading must be to count (RMS of the samples, 0..1); a quiet room stays far below. */
const loudLevel = 0.02;
/** How often the level is read while muted, over about the last 85 ms of sound each time. */
const readEveryMs = 100;
const windowSamples = 4096;
/** Speaking is this many loud readings within the last `recentMs`: a cough or a click is not. */
const loudReadings = 3;
const recentMs = 2000;

/**
 * Notices when you speak while your microphone is muted, so the page can say so, as people
 * expect of a call. It listens to a copy of the muted track on this device only: no sound
 * leaves the page, and nothing runs while the microphone is on.
 */
export class MutedSpeech {
  /** Whether you seem to be speaking into the muted microphone now. */
  speaking = $state(false);
  #stop: (() => void) | null = null;

  /** Listens while `muted` and a live microphone `track` exist; stops listening otherwise. */
  watch(track: MediaStreamTrack | undefined, muted: boolean): void {
    this.stop();
    // The page's AudioContext is only made here once the microphone is muted: making it costs
    // the main thread 10-20 ms and starts a rendering thread, which a call setup must not pay.
    if (!muted || track?.readyState !== 'live') return;
    const context = pageAudio();
    if (context === undefined) return;
    // Muting came from a click or a key press, so the page may start its sound now.
    if (context.state === 'suspended') void context.resume();
    const copy = track.clone();
    copy.enabled = true;
    const source = context.createMediaStreamSource(new MediaStream([copy]));
    const analyser = context.createAnalyser();
    analyser.fftSize = windowSamples;
    source.connect(analyser);
    const samples = new Float32Array(windowSamples);
    let loudAt: number[] = [];
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const now = performance.now();
      loudAt = loudAt.filter((at) => now - at < recentMs);
      if (rms(samples) > loudLevel) loudAt.push(now);
      this.speaking = loudAt.length >= loudReadings;
    }, readEveryMs);
    this.#stop = () => {
      clearInterval(timer);
      source.disconnect();
      copy.stop();
      this.speaking = false;
    };
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}
