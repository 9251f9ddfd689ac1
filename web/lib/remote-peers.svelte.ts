import type { Actor, ActorRefFrom } from 'xstate';
import type { callMachine } from '../../machines/call-machine.ts';
import { handshakeStateOf, type HandshakeState } from '../../machines/peer/handshake-state.ts';
import type { peerMachine } from '../../machines/peer-machine.ts';
import type { Fingerprints, PeerStatus } from '../../machines/peer/types.ts';
import { ActorState } from './actor-state.svelte.ts';

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
  /**
   * What they send, from the moment the connection with them was first up (and through any
   * reconnection after it). Their tracks arrive earlier, with the offer or the answer, but no
   * frame or sound can come before the connection, and a `<video>` given a remote stream with
   * sound starts a media player and an audio renderer on the main thread: tens of milliseconds
   * the handshake would wait for.
   */
  stream: MediaStream | null;
  /** Whether they send a picture at all (a receive-only person sends none). */
  hasVideo: boolean;
  /** Their display name, if they gave one. */
  name: string | null;
  /** Their mic and camera switches, as they told us over the data channel; `null` until they did. */
  status: PeerStatus | null;
  /** The screen they share, while they share one. */
  screen: MediaStream | null;
  /** Both DTLS fingerprints of the connection with them, for the verification code. */
  fingerprints: Fingerprints;
}

/** Whether two views of a peer hold the same values (the same objects: streams, status, fingerprints). */
function sameFields(a: RemotePeer, b: RemotePeer): boolean {
  return (Object.keys(b) as (keyof RemotePeer)[]).every((key) => a[key] === b[key]);
}

/**
 * The call's remote peers as the page shows them: each peer machine wrapped once as rune
 * state (so a tile re-renders when that peer's machine moves), with the name the call knows.
 */
export class RemotePeers {
  readonly #states = new WeakMap<PeerActor, ActorState<PeerActor>>();
  /** Peers whose connection has been up at least once. */
  readonly #connectedOnce = new WeakSet<PeerActor>();
  /** What `peers` returned last. */
  #shown: RemotePeer[] = [];

  constructor(private readonly call: ActorState<Actor<typeof callMachine>>) {}

  /** Remote peers' handshake actors, oldest first. */
  get actors(): PeerActorState[] {
    return this.call.snapshot.context.peers.map(({ peerId, ref }) => ({ id: peerId, state: this.#stateOf(ref) }));
  }

  /**
   * Remote peers as the page shows them, oldest first. The same array, holding the same
   * objects, while nothing shown changed: a peer machine moves on every signal of its
   * handshake (each ICE candidate in and out), and a new array would re-render every tile
   * each time, in the middle of the handshake.
   */
  get peers(): RemotePeer[] {
    const names = this.call.snapshot.context.names;
    const peers = this.call.snapshot.context.peers.map(({ peerId: id, ref }) => {
      const snapshot = this.#stateOf(ref).snapshot;
      const handshake = handshakeStateOf(snapshot);
      if (handshake === 'connected') this.#connectedOnce.add(ref);
      const stream = this.#connectedOnce.has(ref) ? snapshot.context.remoteStream : null;
      // Read on every snapshot: tracks are added to the same stream object as they arrive.
      const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
      const { remoteStatus: status, remoteScreen: screen, fingerprints } = snapshot.context;
      const peer: RemotePeer = { id, handshake, stream, hasVideo, name: names[id] ?? null, status, screen, fingerprints };
      const shown = this.#shown.find((each) => each.id === id);
      return shown !== undefined && sameFields(shown, peer) ? shown : peer;
    });
    if (peers.length !== this.#shown.length || peers.some((peer, index) => peer !== this.#shown[index])) this.#shown = peers;
    return this.#shown;
  }

  #stateOf(ref: PeerActor): ActorState<PeerActor> {
    let state = this.#states.get(ref);
    if (!state) {
      state = new ActorState(ref);
      this.#states.set(ref, state);
    }
    return state;
  }
}
