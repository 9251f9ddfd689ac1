import { fileChannelPrefix } from '../../../protocol/peer-messages.ts';
import { PeerLinks } from '../actors/peer-links.ts';
import { ChatLog } from './chat-log.svelte.ts';
import { Hands } from './hands.svelte.ts';
import { Reactions } from './reactions.svelte.ts';
import type { FileTransfers } from './file-transfers.svelte.ts';
import { StatsHistory } from './stats-history.svelte.ts';

/**
 * What people say and send to each other in a call, beside the pictures: the chat, raised hands,
 * reactions, files and the live stats' last minute. Only what must run while the panels are
 * closed is loaded up front (the chat's unread count, a file channel's first messages); file
 * handling and the panels are loaded on first use.
 */
export class Talk {
  /** Each remote peer's connection, registered by the peer connection actor. */
  readonly links = new PeerLinks();
  readonly chat = new ChatLog(this.links);
  readonly hands = new Hands(this.links);
  readonly reactions = new Reactions(this.links);
  readonly stats = new StatsHistory();
  /** Files sent and received; `null` until first needed. */
  files = $state<FileTransfers | null>(null);
  #loading: Promise<FileTransfers> | null = null;
  readonly #stopListening: () => void;

  constructor() {
    this.#stopListening = this.links.listen({ channel: (peerId, channel) => this.#receive(peerId, channel) });
  }

  /** Loads file handling (once) and resolves with it. */
  loadFiles(): Promise<FileTransfers> {
    this.#loading ??= import('./file-transfers.svelte.ts').then(({ FileTransfers }) => (this.files = new FileTransfers(this.links)));
    return this.#loading;
  }

  /** The call is over: stop listening and let go of files. */
  stop(): void {
    this.#stopListening();
    this.chat.stop();
    this.hands.stop();
    this.reactions.stop();
    this.files?.stop();
  }

  /** A channel the peer opened: a file on its way. Its first messages are held while file handling loads. */
  #receive(peerId: string, channel: RTCDataChannel): void {
    if (!channel.label.startsWith(fileChannelPrefix)) return channel.close();
    channel.binaryType = 'arraybuffer';
    const early: unknown[] = [];
    let forward: (data: unknown) => void = (data) => void early.push(data);
    channel.addEventListener('message', ({ data }) => forward(data));
    void this.loadFiles().then((files) => {
      const feed = files.receive(peerId, channel);
      for (const data of early.splice(0)) feed(data);
      forward = feed;
    });
  }
}
