import type { CallActor } from './call-page.svelte.ts';
import { pageAudio } from './page-audio.ts';
import { defaultStorage } from './remembered-name.svelte.ts';
import { whenIdle } from './when-idle.ts';

/** Which chime: someone came into the call, left it, or raised their hand. */
export type Chime = 'join' | 'leave' | 'hand';

/** The `localStorage` key that remembers the sounds were switched off. */
const offKey = 'parley.sounds-off';

/**
 * Two notes a fifth apart (C5, G5): rising when someone joins, falling when someone leaves; a
 * raised hand knocks twice on one higher note (A5), so it is not taken for someone coming in.
 */
const notes: Record<Chime, readonly number[]> = { join: [523.25, 783.99], leave: [783.99, 523.25], hand: [880, 880] };
/** Seconds between the notes, and how long each sounds: the chime is over in under half a second. */
const noteGapS = 0.12;
const noteS = 0.25;
/** Loudness of the chime: well under a voice in the call. */
const peakGain = 0.12;
/**
 * How late a chime may sound, at most: it waits for a moment the page is idle, since making
 * its sound (the first AudioContext above all, 10-20 ms) would otherwise hold up the handshake
 * with the person who just came; a tenth of a second later is not heard as late.
 */
const chimeWithinMs = 100;

/** Plays `chime` with WebAudio at the next idle moment: two short sine notes, no sound file needed. Silent where there is no WebAudio. */
export function playChime(chime: Chime): void {
  if (typeof AudioContext === 'undefined') return;
  whenIdle(() => playNotes(chime), chimeWithinMs);
}

function playNotes(chime: Chime): void {
  const context = pageAudio();
  if (!context) return;
  notes[chime].forEach((frequency, index) => {
    const start = context.currentTime + index * noteGapS;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(peakGain, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + noteS);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + noteS + 0.05);
  });
}

/** How the sounds play and where the switch is remembered; tests pass their own. */
export interface CallSoundsOptions {
  play?: (chime: Chime) => void;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * A short sound when someone joins or leaves the call, or raises their hand, as people know
 * from other calls; it can be switched off (remembered for the next visit). Only changes while
 * in the call chime: not the people already there when we enter, nor everyone going when we
 * hang up.
 */
export class CallSounds {
  /** Whether the sounds play; the person's switch. */
  #enabled = $state(true);
  readonly #actor: CallActor;
  readonly #play: (chime: Chime) => void;
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

  constructor(actor: CallActor, options: CallSoundsOptions = {}) {
    this.#actor = actor;
    this.#play = options.play ?? playChime;
    this.#storage = options.storage ?? defaultStorage();
    try {
      this.#enabled = this.#storage?.getItem(offKey) !== '1';
    } catch {
      // Storage refused: sounds stay on.
    }
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  set enabled(on: boolean) {
    this.#enabled = on;
    try {
      this.#storage?.setItem(offKey, on ? '0' : '1');
    } catch {
      // Storage full or refused: the switch still holds for this visit.
    }
  }

  /** Chimes for a hand raised in the call, unless the sounds are switched off. */
  handRaised(): void {
    if (this.#enabled) this.#play('hand');
  }

  /** Listens to the call from now on; returns what stops it (an `$effect` cleanup). */
  start(): () => void {
    const peerIds = (): Set<string> => new Set(this.#actor.getSnapshot().context.peers.map((peer) => peer.peerId));
    let known = peerIds();
    let wasInCall = this.#actor.getSnapshot().matches('inCall');
    const subscription = this.#actor.subscribe((snapshot) => {
      const now = peerIds();
      const inCall = snapshot.matches('inCall');
      // Entering (or getting back in) shows who is there already: no chime for them.
      if (this.#enabled && inCall && wasInCall) {
        if ([...now].some((id) => !known.has(id))) this.#play('join');
        else if ([...known].some((id) => !now.has(id))) this.#play('leave');
      }
      known = now;
      wasInCall = inCall;
    });
    return () => subscription.unsubscribe();
  }
}
