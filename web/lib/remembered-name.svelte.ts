import { displayName } from '../../protocol/display-name.ts';

/** The `localStorage` key of the remembered display name. */
const nameKey = 'parley.name';

/** `localStorage`, or nothing where the browser refuses it (private modes, sandboxed frames). */
export function defaultStorage(): Pick<Storage, 'getItem' | 'setItem'> | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The display name a person types in the lobby or on the pre-join screen, remembered as it is
 * typed so the next call starts with it. Rune state: the fields bound to it stay in step.
 */
export class RememberedName {
  /** The name as typed. */
  value = $state('');
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = defaultStorage()) {
    this.#storage = storage;
    try {
      this.value = storage?.getItem(nameKey) ?? '';
    } catch {
      this.value = '';
    }
  }

  /** Sets the name and remembers it for the next visit. */
  set(name: string): void {
    this.value = name;
    try {
      this.#storage?.setItem(nameKey, name);
    } catch {
      // Storage full or refused: the name still holds for this visit.
    }
  }

  /** The name to send, or `undefined` when it is blank or breaks the rule (the server would refuse it). */
  get valid(): string | undefined {
    return displayName(this.value) ?? undefined;
  }
}
