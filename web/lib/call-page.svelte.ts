import { createActor, type Actor } from 'xstate';
import type { callMachine } from '../../machines/call-machine.ts';
import type { ErrorCode } from '../../protocol/error-codes.ts';
import { ActorState } from './actor-state.svelte.ts';
import { connectionOptionsFrom, createCallMachine } from './call-actors.ts';
import { PageInspection } from './inspector/page-inspection.ts';
import { roomIdFromPath, roomLink } from './room-link.ts';
import { limits } from '../../protocol/limits.ts';
import { RememberedName } from './remembered-name.svelte.ts';
import { DeviceChoice, type DeviceChoiceOptions } from './device-choice.svelte.ts';
import type { Present } from './who-is-there.ts';
import { RemotePeers, type PeerActorState, type RemotePeer } from './remote-peers.svelte.ts';
import { Talk } from './talk/talk.svelte.ts';

/** The running call machine, with the page's real browser actors. */
export type CallActor = Actor<typeof callMachine>;
export type { PeerActor, PeerActorState, RemotePeer } from './remote-peers.svelte.ts';

/**
 * Which screen the page shows: the lobby, the call (also while asking for media and joining),
 * the choice offered when media was blocked, or the screen after hanging up.
 */
export type PageView = 'lobby' | 'prejoin' | 'call' | 'blocked' | 'ended';

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
  /** The browser's devices, for the selects. */
  devices?: DeviceChoiceOptions;
  /** The share sheet (`navigator.share`), where the device has one. */
  share?: (data: ShareData) => Promise<void>;
  /** Where the display name is remembered between visits; `localStorage` by default. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
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
  /** The display name as typed (lobby or pre-join), remembered as it is typed. */
  readonly name: RememberedName;
  /** The camera, microphone and speaker selects; a pick replaces the track in the call. */
  readonly devices: DeviceChoice;
  /** How many people a room made from the lobby holds: a group by default. */
  roomSize = $state<number>(limits.maxCapacity);
  /** Chat, files and live stats, over each peer's connection. */
  readonly talk = new Talk();

  readonly #location: Pick<Location, 'origin' | 'pathname'>;
  readonly #history: Pick<History, 'replaceState'> | undefined;
  readonly #clipboard: Pick<Clipboard, 'writeText'> | undefined;
  readonly #share: ((data: ShareData) => Promise<void>) | undefined;
  readonly #remote: RemotePeers;
  readonly #watchedTracks = new WeakSet<MediaStreamTrack>();
  #copyTimer: ReturnType<typeof setTimeout> | undefined;
  #stopAddressSync: (() => void) | undefined;

  constructor(options: CallPageOptions = {}) {
    this.inspection = options.inspection ?? new PageInspection({ search: window.location.search });
    // `?relay` in the address: relay-only connections (see connectionOptionsFrom).
    this.call = new ActorState(
      options.actor ?? createActor(createCallMachine({ ...connectionOptionsFrom(window.location.search), links: this.talk.links }), { inspect: this.inspection.inspect }),
    );
    this.#location = options.location ?? window.location;
    this.#history = options.history ?? window.history;
    this.#clipboard = options.clipboard ?? navigator.clipboard;
    this.#remote = new RemotePeers(this.call);
    this.name = new RememberedName(options.storage);
    this.devices = new DeviceChoice((track) => this.useTrack(track), () => this.localStream, options.devices);
    this.#share = options.share ?? (typeof navigator.share === 'function' ? (data) => navigator.share(data) : undefined);
  }

  /** Starts the call machine; a `/r/<roomId>` address joins that room right away. */
  start(): void {
    const actor = this.call.actor;
    actor.start();
    let seen = actor.getSnapshot();
    const subscription = actor.subscribe((snapshot) => {
      if (snapshot === seen) return;
      seen = snapshot;
      this.#syncAddress();
      this.#watchLocalTracks();
    });
    this.#stopAddressSync = () => subscription.unsubscribe();
    const roomId = roomIdFromPath(this.#location.pathname);
    if (roomId !== null) this.join(roomId);
  }

  /** Hangs up and stops everything; the page is going away. */
  stop(): void {
    this.call.actor.send({ type: 'ui.hangUp' });
    this.#stopAddressSync?.();
    this.call.actor.stop();
    this.talk.stop();
    clearTimeout(this.#copyTimer);
  }

  get view(): PageView {
    const snapshot = this.call.snapshot;
    if (snapshot.matches('lobby') || snapshot.matches('failed')) return 'lobby';
    if (snapshot.matches({ media: 'blocked' })) return 'blocked';
    if (snapshot.matches('ended')) return 'ended';
    if (snapshot.matches('checking') || snapshot.matches('prejoin') || (snapshot.matches('media') && this.#previewing)) return 'prejoin';
    return 'call';
  }

  /** True on the pre-join screen once the camera is on and the person may enter. */
  get readyToJoin(): boolean {
    return this.call.snapshot.matches('prejoin');
  }

  /** The room id the person is joining or asked for, to keep their place after a failure. */
  get roomIdAsked(): string | null {
    const { intent, roomId } = this.call.snapshot.context;
    return roomId ?? (intent?.kind === 'join' ? intent.roomId : null);
  }

  /** Display names of the people in the call, by peer id. */
  get names(): Record<string, string> {
    return this.call.snapshot.context.names;
  }

  /** The name of who left last, if they gave one. */
  get lastLeftName(): string | null {
    const { lastLeft, names } = this.call.snapshot.context;
    return lastLeft === null ? null : (names[lastLeft] ?? null);
  }

  /** Who left last, as the page says it ("Bo left the call"), or `null` if nobody left yet. */
  get leftNotice(): string | null {
    if (this.call.snapshot.context.lastLeft === null) return null;
    return `${this.lastLeftName ?? 'Someone'} left the call`;
  }

  /** Whether the device can hand the link to its share sheet (phones: `navigator.share`). */
  get canShare(): boolean {
    return typeof this.#share === 'function';
  }

  /** Opens the share sheet with the room link; a person closing it is no error. */
  async shareLink(): Promise<void> {
    const link = this.link;
    if (link !== null) await this.#share?.({ title: 'Join my Parley call', url: link }).catch(() => {});
  }

  get #previewing(): boolean {
    const intent = this.call.snapshot.context.intent;
    return intent?.kind === 'join' && intent.preview === true;
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

  /**
   * The failure to say in words, or `null`. A connection that found no path to a peer is said
   * while it is retried (that peer's tile reads `failed`), and no more once it connects.
   */
  get errorCode(): ErrorCode | null {
    const code = this.call.snapshot.context.error?.code ?? null;
    if (code !== null) return code;
    return this.#remote.peers.some((peer) => peer.handshake === 'failed') ? 'ice-failed' : null;
  }

  /** The room's shareable link once joined. */
  get link(): string | null {
    const roomId = this.call.snapshot.context.roomId;
    return roomId === null ? null : roomLink(this.#location.origin, roomId);
  }

  /** Who is in the room a link opens, as its check answered, for the pre-join screen; `null` before. */
  get present(): Present | null {
    return this.call.snapshot.context.present;
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

  /** Off when switched off, and when the person is in the call without a camera at all. */
  get cameraOff(): boolean {
    return this.call.snapshot.context.cameraOff || this.cameraMissing;
  }

  /** In the call without a camera (joined receive-only, or it was missing): the toggle asks for one. */
  get cameraMissing(): boolean {
    const snapshot = this.call.snapshot;
    const inRoom = snapshot.matches('inCall') || snapshot.matches('rejoining');
    return inRoom && (snapshot.context.localStream?.getVideoTracks().length ?? 0) === 0;
  }

  /** Whether this browser can share a screen at all (phones cannot: the button is not shown). */
  get canShareScreen(): boolean {
    return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  get sharingScreen(): boolean {
    return this.call.snapshot.context.screenStream !== null;
  }

  /** Shares the screen, or stops sharing it. */
  toggleScreen(): void {
    this.call.send({ type: 'ui.toggleScreen' });
  }

  /** Remote peers' handshake actors, oldest first. */
  get peerActors(): PeerActorState[] {
    return this.#remote.actors;
  }

  /** Remote peers as the page shows them, oldest first. */
  get peers(): RemotePeer[] {
    return this.#remote.peers;
  }

  /**
   * Whether "try again" makes sense: the request is known and might work now (a full room may
   * free a seat, a lost server may be back); a room that does not exist will not start to.
   */
  get canRetry(): boolean {
    const { intent, error } = this.call.snapshot.context;
    return intent !== null && error?.code !== 'room-not-found';
  }

  /** Starts a room for `roomSize` people, under the typed name. */
  create(): void {
    this.call.send({ type: 'ui.create', capacity: this.roomSize, name: this.name.valid });
  }

  /** Opens room `roomId`: the room is checked, then the pre-join screen shows the camera. */
  join(roomId: string): void {
    this.call.send({ type: 'ui.open', roomId, name: this.name.valid });
  }

  /** On the pre-join screen: enter the call under the typed name. */
  joinCall(): void {
    this.call.send({ type: 'ui.joinCall', name: this.name.valid });
  }

  /** A picked (or fallback) device's track replaces the one of its kind, in the call too. */
  useTrack(track: MediaStreamTrack): void {
    this.call.send({ type: 'ui.useTrack', track });
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

  /** After media was blocked: ask again, once the person has allowed camera and microphone. */
  retryMedia(): void {
    this.call.send({ type: 'ui.retryMedia' });
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

  /**
   * Tells the call when a local track ends by itself (device unplugged, permission revoked):
   * the browser fires `ended` then, never for our own `stop()`. Each track is watched once.
   */
  #watchLocalTracks(): void {
    const { localStream, screenStream } = this.call.actor.getSnapshot().context;
    for (const track of localStream?.getTracks() ?? []) {
      if (this.#watchedTracks.has(track)) continue;
      this.#watchedTracks.add(track);
      const kind = track.kind === 'audio' ? 'audio' : 'video';
      track.addEventListener('ended', () => this.call.actor.send({ type: 'media.trackEnded', kind }), { once: true });
    }
    // The browser's own "Stop sharing" ends the screen's track.
    for (const track of screenStream?.getTracks() ?? []) {
      if (this.#watchedTracks.has(track)) continue;
      this.#watchedTracks.add(track);
      track.addEventListener('ended', () => this.call.actor.send({ type: 'media.screenEnded' }), { once: true });
    }
  }

  /**
   * The address bar names the room while in it (a reload rejoins) and after failing to get in
   * (the person keeps their place and may try again), and is `/` elsewhere.
   */
  #syncAddress(): void {
    const snapshot = this.call.actor.getSnapshot();
    const { roomId, intent } = snapshot.context;
    const failedJoin = snapshot.matches('failed') && intent?.kind === 'join' ? intent.roomId : null;
    const shown = snapshot.matches('inCall') ? roomId : failedJoin;
    const path = shown !== null ? new URL(roomLink(this.#location.origin, shown)).pathname : '/';
    if ((['checking', 'media', 'prejoin', 'joining', 'rejoining'] as const).some((state) => snapshot.matches(state))) return;
    if (this.#location.pathname !== path) this.#history?.replaceState(null, '', path);
  }
}
