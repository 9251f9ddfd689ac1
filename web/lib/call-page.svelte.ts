import { createActor, type Actor, type ActorRefFrom } from 'xstate';
import type { callMachine } from '../../machines/call-machine.ts';
import { handshakeStateOf, type HandshakeState } from '../../machines/peer/handshake-state.ts';
import type { peerMachine } from '../../machines/peer-machine.ts';
import type { ErrorCode } from '../../protocol/error-codes.ts';
import { ActorState } from './actor-state.svelte.ts';
import { connectionOptionsFrom, createCallMachine } from './call-actors.ts';
import { PageInspection } from './inspector/page-inspection.ts';
import { roomIdFromPath, roomLink } from './room-link.ts';

/** The running call machine, with the page's real browser actors. */
export type CallActor = Actor<typeof callMachine>;
/** One remote peer's handshake machine, spawned by the call machine. */
export type PeerActor = ActorRefFrom<typeof peerMachine>;

/** A remote peer's handshake actor as rune state, for the inspector. */
export interface PeerActorState {
  id: string;
  state: ActorState<PeerActor>;
}

/** What the page shows of one remote peer. */
export interface RemotePeer {
  id: string;
  handshake: HandshakeState;
  stream: MediaStream | null;
  /** Whether they send a picture at all (a receive-only person sends none). */
  hasVideo: boolean;
}

/**
 * Which screen the page shows: the lobby, the call (also while asking for media and joining),
 * the choice offered when media was blocked, or the screen after hanging up.
 */
export type PageView = 'lobby' | 'call' | 'blocked' | 'ended';

/** What the page needs from the browser; tests may pass their own. */
export interface CallPageOptions {
  /** The call actor; by default the call machine with the real browser actors. */
  actor?: CallActor;
  /** Where the page is; its origin makes room links and its path may name a room. */
  location?: Pick<Location, 'origin' | 'pathname'>;
  /** Keeps the address bar on `/r/<roomId>` while in a room and `/` otherwise. */
  history?: Pick<History, 'replaceState'>;
  clipboard?: Pick<Clipboard, 'writeText'>;
  /**
   * What watches the call actor (the inspector's log, and `?inspect`'s window): give the one
   * `actor` was created with. By default a new one, reading `?inspect` from the address.
   */
  inspection?: PageInspection;
}

/** How long "Copied" stays visible after copying the link: long enough to notice. */
const copiedForMs = 2_000;

/**
 * The page's state and the person's intents, on top of the call machine. Components read the
 * getters (reactive through `ActorState`) and call the methods; every decision about the call
 * itself stays in the statechart.
 */
export class CallPage {
  readonly call: ActorState<CallActor>;
  /** Feeds the handshake inspector: the call actor is created with its `inspect` observer. */
  readonly inspection: PageInspection;
  /** The link copy's outcome, shown next to the button for a moment. */
  copyResult = $state<'copied' | 'failed' | null>(null);

  readonly #location: Pick<Location, 'origin' | 'pathname'>;
  readonly #history: Pick<History, 'replaceState'> | undefined;
  readonly #clipboard: Pick<Clipboard, 'writeText'> | undefined;
  readonly #peerStates = new WeakMap<PeerActor, ActorState<PeerActor>>();
  #copyTimer: ReturnType<typeof setTimeout> | undefined;
  #stopAddressSync: (() => void) | undefined;

  constructor(options: CallPageOptions = {}) {
    this.inspection = options.inspection ?? new PageInspection({ search: window.location.search });
    // `?relay` in the address: relay-only connections (see connectionOptionsFrom).
    this.call = new ActorState(
      options.actor ?? createActor(createCallMachine(connectionOptionsFrom(window.location.search)), { inspect: this.inspection.inspect }),
    );
    this.#location = options.location ?? window.location;
    this.#history = options.history ?? window.history;
    this.#clipboard = options.clipboard ?? navigator.clipboard;
  }

  /** Starts the call machine; a `/r/<roomId>` address joins that room right away. */
  start(): void {
    const actor = this.call.actor;
    actor.start();
    const subscription = actor.subscribe(() => this.#syncAddress());
    this.#stopAddressSync = () => subscription.unsubscribe();
    const roomId = roomIdFromPath(this.#location.pathname);
    if (roomId !== null) actor.send({ type: 'ui.join', roomId });
  }

  /** Hangs up and stops everything; the page is going away. */
  stop(): void {
    this.call.actor.send({ type: 'ui.hangUp' });
    this.#stopAddressSync?.();
    this.call.actor.stop();
    clearTimeout(this.#copyTimer);
  }

  get view(): PageView {
    const snapshot = this.call.snapshot;
    if (snapshot.matches('lobby') || snapshot.matches('failed')) return 'lobby';
    if (snapshot.matches({ media: 'blocked' })) return 'blocked';
    if (snapshot.matches('ended')) return 'ended';
    return 'call';
  }

  /** True while media is asked for or the room is being joined. */
  get busy(): boolean {
    const snapshot = this.call.snapshot;
    return snapshot.matches('joining') || (snapshot.matches('media') && !snapshot.matches({ media: 'blocked' }));
  }

  /** True while the connection to the server is being restored; calls in progress go on. */
  get reconnecting(): boolean {
    return this.call.snapshot.matches('rejoining');
  }

  /** The failure to say in words, or `null`. */
  get errorCode(): ErrorCode | null {
    return this.call.snapshot.context.error?.code ?? null;
  }

  /** The room's shareable link once joined. */
  get link(): string | null {
    const roomId = this.call.snapshot.context.roomId;
    return roomId === null ? null : roomLink(this.#location.origin, roomId);
  }

  get localStream(): MediaStream | null {
    return this.call.snapshot.context.localStream;
  }

  /** Whether someone already left this call (the page then says so while it waits). */
  get someoneLeft(): boolean {
    return this.call.snapshot.context.peersLeft > 0;
  }

  get micMuted(): boolean {
    return this.call.snapshot.context.micMuted;
  }

  get cameraOff(): boolean {
    return this.call.snapshot.context.cameraOff;
  }

  /** Remote peers' handshake actors, oldest first. */
  get peerActors(): PeerActorState[] {
    return this.call.snapshot.context.peers.map(({ peerId, ref }) => ({ id: peerId, state: this.#peerState(ref) }));
  }

  /** Remote peers as the page shows them, oldest first. */
  get peers(): RemotePeer[] {
    return this.peerActors.map(({ id, state }) => {
      const snapshot = state.snapshot;
      const stream = snapshot.context.remoteStream;
      // Read on every snapshot: tracks are added to the same stream object as they arrive.
      const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
      return { id, handshake: handshakeStateOf(snapshot), stream, hasVideo };
    });
  }

  /**
   * Whether "try again" makes sense: the request is known and might work now (a full room may
   * free a seat, a lost server may be back); a room that does not exist will not start to.
   */
  get canRetry(): boolean {
    const { intent, error } = this.call.snapshot.context;
    return intent !== null && error?.code !== 'room-not-found';
  }

  create(): void {
    this.call.send({ type: 'ui.create' });
  }

  join(roomId: string): void {
    this.call.send({ type: 'ui.join', roomId });
  }

  /** Repeats the last create or join, e.g. after `room-full` or a lost connection. */
  retry(): void {
    const { intent, roomId } = this.call.snapshot.context;
    const target = roomId ?? (intent?.kind === 'join' ? intent.roomId : null);
    if (target !== null) this.join(target);
    else this.create();
  }

  hangUp(): void {
    this.call.send({ type: 'ui.hangUp' });
  }

  toggleMic(): void {
    this.call.send({ type: 'ui.toggleMic' });
  }

  toggleCamera(): void {
    this.call.send({ type: 'ui.toggleCamera' });
  }

  /** The browser is back online: reconnect at once rather than after the backoff. */
  online(): void {
    this.call.send({ type: 'network.online' });
  }

  /** After media was blocked: join anyway, only receiving. */
  receiveOnly(): void {
    this.call.send({ type: 'ui.receiveOnly' });
  }

  backToLobby(): void {
    this.call.send({ type: 'ui.backToLobby' });
  }

  /** Copies the room link and says so for a moment. */
  async copyLink(): Promise<void> {
    const link = this.link;
    if (link === null) return;
    try {
      if (!this.#clipboard) throw new Error('no clipboard');
      await this.#clipboard.writeText(link);
      this.copyResult = 'copied';
    } catch {
      this.copyResult = 'failed';
    }
    clearTimeout(this.#copyTimer);
    this.#copyTimer = setTimeout(() => (this.copyResult = null), copiedForMs);
  }

  #peerState(ref: PeerActor): ActorState<PeerActor> {
    let state = this.#peerStates.get(ref);
    if (!state) {
      state = new ActorState(ref);
      this.#peerStates.set(ref, state);
    }
    return state;
  }

  /** The address bar names the room while in it (a reload rejoins), and `/` elsewhere. */
  #syncAddress(): void {
    const snapshot = this.call.actor.getSnapshot();
    const roomId = snapshot.context.roomId;
    const path = snapshot.matches('inCall') && roomId !== null ? new URL(roomLink(this.#location.origin, roomId)).pathname : '/';
    if (snapshot.matches('media') || snapshot.matches('joining') || snapshot.matches('rejoining')) return;
    if (this.#location.pathname !== path) this.#history?.replaceState(null, '', path);
  }
}
