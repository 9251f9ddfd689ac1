import { maxChatLength, type PeerMessage } from '../../../protocol/peer-messages.ts';
import type { PeerLinkListener } from '../actors/peer-links.ts';

/** One line of the chat: who wrote it (`me`, or the sender's peer id) and its text. */
export interface ChatEntry {
  id: number;
  from: string;
  text: string;
}

/** What the chat needs of the peers' channels (PeerLinks, or a fake in tests). */
export interface ChatChannels {
  broadcast(message: PeerMessage): number;
  listen(listener: PeerLinkListener): () => void;
}

/** How many lines the page keeps: a long meeting's chat, without growing for ever. */
const keptLines = 500;

/**
 * The call's chat with everyone, over each peer's data channel (so it goes on while the
 * server is away). Lines are plain text: the page renders them as text nodes, never HTML.
 * While the panel is closed, arriving lines are counted as unread, and the newest is offered
 * for a glimpse.
 */
export class ChatLog {
  entries = $state<ChatEntry[]>([]);
  /** Lines that arrived while the chat was closed. */
  unread = $state(0);
  /** The newest line that arrived while the chat was closed, shown for a moment; `null` once seen. */
  glimpse = $state<ChatEntry | null>(null);
  /** What you are typing: kept while the panel is closed, so closing it loses nothing. */
  draft = $state('');
  #open = $state(false);
  #nextId = 0;
  readonly #channels: ChatChannels;
  readonly #stop: () => void;

  constructor(channels: ChatChannels) {
    this.#channels = channels;
    this.#stop = channels.listen({ message: (peerId, message) => message.type === 'chat' && this.#add(peerId, message.text) });
  }

  /** Whether the chat is on screen; opening it marks every line read (and seen). */
  get open(): boolean {
    return this.#open;
  }

  set open(value: boolean) {
    this.#open = value;
    if (!value) return;
    this.unread = 0;
    this.glimpse = null;
  }

  /**
   * Sends `text` (trimmed) to everyone and shows it as ours. Refuses (returns false) an empty
   * line or one over `maxChatLength`, which the others would drop.
   */
  send(text: string): boolean {
    const line = text.trim();
    if (line === '' || line.length > maxChatLength) return false;
    this.#channels.broadcast({ type: 'chat', text: line });
    this.#add('me', line);
    return true;
  }

  /** Stops listening (the call is over). */
  stop(): void {
    this.#stop();
  }

  #add(from: string, text: string): void {
    const entry = { id: this.#nextId++, from, text };
    this.entries = [...this.entries.slice(1 - keptLines), entry];
    if (this.#open || from === 'me') return;
    this.unread++;
    this.glimpse = entry;
  }
}
