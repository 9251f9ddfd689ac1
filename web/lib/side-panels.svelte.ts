import { tick } from 'svelte';

/** The call's side panels, by the name of the button that opens each. */
export type PanelName = 'devices' | 'verify' | 'chat' | 'stats' | 'inspector';

/**
 * Which side panels are open. The chat's own `open` lives with the chat log (it decides what
 * counts as unread); the others live here. Closing a panel (its × or Escape) gives the keyboard
 * focus back to the button that opened it, registered in `buttons`.
 */
export class SidePanels {
  devices = $state(false);
  verify = $state(false);
  stats = $state(false);
  inspector = $state(false);
  /** The buttons that open each panel, bound by the controls. */
  readonly buttons: Partial<Record<PanelName, HTMLElement>> = {};
  readonly #chatOf: () => { open: boolean };

  /** `chat` gives the chat log whose `open` says whether the chat panel is. */
  constructor(chat: () => { open: boolean }) {
    this.#chatOf = chat;
  }

  isOpen(name: PanelName): boolean {
    return name === 'chat' ? this.#chatOf().open : this[name];
  }

  /** Whether any panel is open: the page then makes room for the side column. */
  get anyOpen(): boolean {
    return this.devices || this.verify || this.#chatOf().open || this.stats || this.inspector;
  }

  toggle(name: PanelName): void {
    this.#set(name, !this.isOpen(name));
  }

  /** Closes a panel and puts the focus back on the button that opened it. */
  close(name: PanelName): void {
    this.#set(name, false);
    void tick().then(() => this.buttons[name]?.focus());
  }

  #set(name: PanelName, open: boolean): void {
    if (name === 'chat') this.#chatOf().open = open;
    else this[name] = open;
  }
}
