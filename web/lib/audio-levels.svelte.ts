/**
 * How loud each remote person is, for the speaking indicator and the active speaker's
 * highlight. The page's AudioContext (page-audio.ts) and one AnalyserNode per remote stream, read a few
 * times a second: cheap next to decoding the video, and it needs nothing from the peers.
 */
import { pageAudio, resumePageAudio } from './page-audio.ts';
import { whenIdle } from './when-idle.ts';

/** How often levels are read: often enough that a word lights the tile up. */
const readEveryMs = 150;
/** RMS level (0..1) above which someone counts as speaking; room noise stays under it. */
const speakingLevel = 0.02;
/** How long someone stays "speaking" after their last loud moment, so the highlight does not flicker. */
const holdMs = 600;
/**
 * How late a meter may start, at most. A stream's tracks arrive in the middle of the
 * handshake, and making its meter (the first AudioContext above all) takes the main thread
 * 10-20 ms: it waits for an idle moment instead, well before anyone speaks.
 */
const meterWithinMs = 500;

interface Meter {
  stream: MediaStream;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  samples: Float32Array<ArrayBuffer>;
  lastLoud: number;
}

/** Speaking state of the remote peers, as rune state. */
export class AudioLevels {
  /** Peer ids speaking now. */
  speaking = $state<ReadonlySet<string>>(new Set());
  /** The loudest person speaking, highlighted as the active speaker; `null` when nobody speaks. */
  activeSpeaker = $state<string | null>(null);
  readonly #meters = new Map<string, Meter>();
  /** Streams to measure from the next idle moment, by peer id. */
  readonly #wanted = new Map<string, MediaStream | null>();
  #cancelIdle: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Measures `peerId`'s stream (replacing an earlier one) from the next idle moment; call again when the stream changes. */
  watch(peerId: string, stream: MediaStream | null): void {
    const measured = (this.#meters.get(peerId)?.stream ?? null) === stream;
    if (measured) this.#wanted.delete(peerId);
    if (measured || this.#wanted.get(peerId) === stream) return;
    this.#wanted.set(peerId, stream);
    this.#cancelIdle ??= whenIdle(() => {
      this.#cancelIdle = undefined;
      for (const [id, wanted] of this.#wanted) this.#measure(id, wanted);
      this.#wanted.clear();
    }, meterWithinMs);
  }

  #measure(peerId: string, stream: MediaStream | null): void {
    this.forget(peerId);
    const context = stream && stream.getAudioTracks().length > 0 ? pageAudio() : undefined;
    if (!stream || !context) return;
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    this.#meters.set(peerId, { stream, source, analyser, samples: new Float32Array(analyser.fftSize), lastLoud: 0 });
    this.#timer ??= setInterval(() => this.#read(), readEveryMs);
  }

  /** Stops measuring `peerId` (they left). */
  forget(peerId: string): void {
    this.#wanted.delete(peerId);
    const meter = this.#meters.get(peerId);
    if (!meter) return;
    meter.source.disconnect();
    this.#meters.delete(peerId);
  }

  /**
   * Browsers start an AudioContext suspended until the person interacts with the page
   * (autoplay policy); the page calls this on any click or key press.
   */
  resume(): void {
    resumePageAudio();
  }

  /** Stops measuring everyone; the call is over. */
  stop(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = undefined;
    this.#wanted.clear();
    for (const peerId of [...this.#meters.keys()]) this.forget(peerId);
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.speaking = new Set();
    this.activeSpeaker = null;
  }

  #read(): void {
    const now = performance.now();
    const speaking = new Set<string>();
    let loudest: { peerId: string; level: number } | null = null;
    for (const [peerId, meter] of this.#meters) {
      meter.analyser.getFloatTimeDomainData(meter.samples);
      let sum = 0;
      for (const sample of meter.samples) sum += sample * sample;
      const level = Math.sqrt(sum / meter.samples.length);
      if (level > speakingLevel) meter.lastLoud = now;
      if (now - meter.lastLoud < holdMs) speaking.add(peerId);
      if (level > speakingLevel && (loudest === null || level > loudest.level)) loudest = { peerId, level };
    }
    if (!sameSet(speaking, this.speaking)) this.speaking = speaking;
    const active = loudest?.peerId ?? (this.activeSpeaker !== null && speaking.has(this.activeSpeaker) ? this.activeSpeaker : null);
    if (active !== this.activeSpeaker) this.activeSpeaker = active;
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}
