import { defaultStorage } from './remembered-name.svelte.ts';

/** The `localStorage` key of the remembered layout. */
const layoutKey = 'parley.layout';

/** How long someone speaks before speaker view gives them the stage: a word in passing does not. */
export const takeStageMs = 1_500;

/**
 * How a group call's stage is laid out, as in Zoom and Meet: everyone the same size (`grid`),
 * or whoever speaks large above the others (`speaker`). Remembered for the next call.
 */
export class StageLayout {
  speakerView = $state(false);
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = defaultStorage()) {
    this.#storage = storage;
    try {
      this.speakerView = storage?.getItem(layoutKey) === 'speaker';
    } catch {
      this.speakerView = false;
    }
  }

  /** Switches between the grid and speaker view, and remembers it. */
  toggle(): void {
    this.speakerView = !this.speakerView;
    try {
      this.#storage?.setItem(layoutKey, this.speakerView ? 'speaker' : 'grid');
    } catch {
      // Storage full or refused: the layout still holds for this call.
    }
  }
}

/**
 * Who has the stage in speaker view: the last one to speak, once nobody else has spoken for
 * `takeStageMs` since they started, so the pictures do not jump at a word said in passing.
 * Silence changes nothing: the pauses between someone's words do not restart their wait, and
 * the stage stays with the last speaker while everyone is quiet.
 */
export class StageSpeaker {
  id = $state<string | null>(null);
  /** Who spoke last, waiting for the stage unless they have it. */
  #next: string | null = null;
  #wait: ReturnType<typeof setTimeout> | undefined;

  /** The loudest speaker now (`null`: nobody speaks). */
  hear(active: string | null): void {
    if (active === null || active === this.#next) return;
    clearTimeout(this.#wait);
    this.#next = active;
    if (active === this.id) return;
    // The first to speak takes the stage at once; later ones once they have held the floor.
    if (this.id === null) this.id = active;
    else this.#wait = setTimeout(() => (this.id = active), takeStageMs);
  }

  stop(): void {
    clearTimeout(this.#wait);
  }
}
