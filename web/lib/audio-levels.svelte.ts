/**
 * How loud each remote person is, for the speaking indicator and the active speaker's
 * highlight. The browser already knows: every audio packet carries its loudness (the RTP
 * audio-level header extension, which Chromium and Firefox offer by default), and the
 * receiver reports it (`RTCRtpReceiver.getSynchronizationSources()`). Reading it a few times a
 * second costs next to nothing. Measuring the sound ourselves would take an AudioContext and a
 * WebAudio graph per remote person, running on the audio thread for the whole call, and making
 * that context holds the main thread for tens of milliseconds just as a call starts.
 */

/** How often levels are read: often enough that a word lights the tile up. */
const readEveryMs = 150;
/**
 * Audio level (0..1, linear: 1 is the loudest a packet can say) above which someone counts as
 * speaking; room noise stays under it.
 */
const speakingLevel = 0.02;
/** How long someone stays "speaking" after their last loud moment, so the highlight does not flicker. */
const holdMs = 600;

interface Watched {
  stream: MediaStream;
  lastLoud: number;
  /** The newest packet time reported for each source (SSRC): a source that went quiet says nothing new. */
  heard: Map<number, number>;
}

/** Speaking state of the remote peers, as rune state. */
export class AudioLevels {
  /** Peer ids speaking now. */
  speaking = $state<ReadonlySet<string>>(new Set());
  /** The loudest person speaking, highlighted as the active speaker; `null` when nobody speaks. */
  activeSpeaker = $state<string | null>(null);
  readonly #watched = new Map<string, Watched>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `connectionOf` finds a remote person's connection (the page's `PeerLinks`). */
  constructor(private readonly connectionOf: (peerId: string) => RTCPeerConnection | undefined) {}

  /** Measures the sound of `peerId`'s `stream` (replacing an earlier one); `null` stops it. */
  watch(peerId: string, stream: MediaStream | null): void {
    if (this.#watched.get(peerId)?.stream === stream) return;
    if (!stream) return this.forget(peerId);
    this.#watched.set(peerId, { stream, lastLoud: 0, heard: new Map() });
    this.#timer ??= setInterval(() => this.#read(), readEveryMs);
  }

  /** Stops measuring `peerId` (they left). */
  forget(peerId: string): void {
    this.#watched.delete(peerId);
  }

  /** Stops measuring everyone; the call is over. */
  stop(): void {
    this.#watched.clear();
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.speaking = new Set();
    this.activeSpeaker = null;
  }

  /** The loudest that `peerId`'s stream has been since the last reading; 0 when nothing new came. */
  #levelOf(peerId: string, watched: Watched): number {
    const tracks = watched.stream.getAudioTracks();
    let level = 0;
    for (const receiver of this.connectionOf(peerId)?.getReceivers() ?? []) {
      if (!tracks.includes(receiver.track)) continue;
      for (const { source, timestamp, audioLevel } of receiver.getSynchronizationSources()) {
        // A source is listed for a while after its last packet: only a newer packet counts.
        if (timestamp === watched.heard.get(source)) continue;
        watched.heard.set(source, timestamp);
        level = Math.max(level, audioLevel ?? 0);
      }
    }
    return level;
  }

  #read(): void {
    const now = performance.now();
    const speaking = new Set<string>();
    let loudest: { peerId: string; level: number } | null = null;
    for (const [peerId, watched] of this.#watched) {
      const level = this.#levelOf(peerId, watched);
      if (level > speakingLevel) watched.lastLoud = now;
      if (watched.lastLoud > 0 && now - watched.lastLoud < holdMs) speaking.add(peerId);
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
