import { createActor, fromCallback, fromPromise, waitFor, type Actor, type AnyActorRef, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { callMachine } from '../../machines/call-machine.ts';
import type { CallContext, CallEvent, CallUiEvent, MediaRequest, MediaSource } from '../../machines/call/types.ts';
import { handshakeStateOf } from '../../machines/peer/handshake-state.ts';
import { MediaAccessError } from '../../machines/call/media-access-error.ts';
import type { PeerConnectionCommand, PeerConnectionInput } from '../../machines/peer/peer-connection-contract.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import { closeCodes } from '../../protocol/limits.ts';
import type { ServerMessage } from '../../protocol/messages.ts';
import { createFakeStream, FakeTrack, type FakeStream } from './fakes/fake-media.ts';
import { FakePeerConnection } from './fakes/fake-peer-connection.ts';
import { createFakeSignaling } from './fakes/fake-signaling-socket.ts';
import { joined, roomId } from './fakes/start-call.ts';
import { candidate } from './fakes/start-peer.ts';
import { TimerClock } from './timer-clock.ts';
import { defaultResumeGraceMs, reconnectDelay } from '../../machines/call/reconnect-policy.ts';

/**
 * Paths through `callMachine` for model-based tests, generated with `xstate/graph`, and a
 * replay that plays one path into the machine provided with fakes.
 *
 * A path is a list of *moves*: what the person, the camera, the server or a remote peer's
 * handshake does, naming remote peers by their rank in `context.peers` and drawing fresh ids
 * where the server would. Each graph event carries its move, and the replay turns the move into
 * the same thing happening to the fakes, so a path replays into any run that followed it.
 * The graph walks the call machine alone: its peer machines are never started, so a peer's
 * handshake (`idle` until its offer came, `offering`/`answering`, `failed`) is modelled beside
 * it from the moves, and the replay checks the real peer machines agree.
 */
export type CallMove =
  | { kind: 'ui'; event: CallUiEvent }
  | { kind: 'media-ready' } // getUserMedia resolves
  | { kind: 'media-failed'; code: MediaAccessError['code'] } // getUserMedia rejects
  | { kind: 'welcome' } // the socket opened and the server greeted
  | { kind: 'drop'; code: number } // the socket closed (1006: lost; 4000: our seat was taken)
  | { kind: 'timeout' } // the state's delay ran out
  | { kind: 'online' } // the browser is back online
  | { kind: 'joined'; peers: number } // the room, with that many peers already in it
  | { kind: 'resumed'; turnover: boolean } // our seat again; with turnover the oldest peer left and one came meanwhile
  | { kind: 'rejoined-as-new' } // the seat was gone: joined again as a newcomer
  | { kind: 'refused'; code: 'room-full' | 'room-not-found' }
  | { kind: 'room-open' } // the answer to `peek`: the room has a free seat
  | { kind: 'new-device' } // the person picked another camera: its track replaces ours
  | { kind: 'track-ended' } // our camera stopped by itself (unplugged, permission revoked)
  | { kind: 'media-added'; source: MediaSource } // a camera asked for mid-call came, or a screen was picked
  | { kind: 'media-refused'; source: MediaSource } // the camera was denied, or the screen picker closed
  | { kind: 'screen-ended' } // the browser's own "Stop sharing"
  | { kind: 'peer-joined' } // a newcomer arrives
  | { kind: 'peer-joined-again' } // a duplicate notice about the oldest peer
  | { kind: 'peer-left'; rank: number }
  | { kind: 'offer-from'; rank: number } // a peer we answer sends its offer
  | { kind: 'noise' } // a frame that changes nothing (an error about a signal to a peer that left)
  | { kind: 'peer-signal'; rank: number } // a peer's connection found a local candidate to send
  | { kind: 'peer-failed'; rank: number }; // a peer's connection refused a description: its machine ends `failed`

type CallSnapshot = SnapshotFrom<typeof callMachine>;
/** A graph event: the machine's event, its move, and the handshake words of the peers before it. */
type ModelEvent = CallEvent & { move: CallMove; words: readonly string[] };

/** A generated path: its moves, and the call at the start and after each, as `callKey` describes it. */
export interface CallPath {
  kind: 'shortest' | 'simple';
  start: string;
  moves: CallMove[];
  keys: string[];
  /** One label per move, for `pathName`. */
  labels: Array<{ type: string }>;
}

/** The delays in a replay: a peer's handshake never times out there, its failures are the path's moves. */
const neverMs = 3_600_000;

/** A label for a test title, e.g. `socket.message(peer-left #0)`. */
export function moveLabel(move: CallMove): string {
  const rank = 'rank' in move ? ` #${move.rank}` : '';
  switch (move.kind) {
    case 'ui': return move.event.type;
    case 'media-ready': return 'media(ready)';
    case 'media-failed': return `media(${move.code})`;
    case 'drop': return `socket.closed(${move.code})`;
    case 'timeout': return 'timeout';
    case 'online': return 'network.online';
    case 'joined': return `socket.message(joined ${move.peers} peers)`;
    case 'resumed': return `socket.message(resumed${move.turnover ? ', oldest peer replaced' : ''})`;
    case 'refused': return `socket.message(${move.code})`;
    case 'room-open': return 'socket.message(room open)';
    case 'new-device': return 'ui.useTrack';
    case 'track-ended': return 'media.trackEnded';
    case 'media-added': return `media.added(${move.source})`;
    case 'media-refused': return `media.refused(${move.source})`;
    case 'screen-ended': return 'media.screenEnded';
    case 'peer-signal': case 'peer-failed': return `peer(${move.kind.slice(5)}${rank})`;
    default: return `socket.message(${move.kind}${rank})`;
  }
}

/** The frame the server sends for `move` to a call in `context`; `draw` gives fresh peer ids. */
function messageFor(context: CallContext, move: CallMove, draw: () => string): ServerMessage {
  const ids = context.peers.map((peer) => peer.peerId);
  const room = { capacity: 3, resume: 'resume-token-0123456789abcdef' };
  switch (move.kind) {
    case 'welcome': return { type: 'welcome', protocol: 1 };
    case 'joined': return joined(Array.from({ length: move.peers }, draw), room);
    case 'resumed': return joined(move.turnover ? [...ids.slice(1), draw()] : ids, { ...room, peerId: context.selfId ?? '' });
    case 'rejoined-as-new': return joined(ids, { ...room, peerId: draw() });
    case 'refused': return { type: 'error', code: move.code, message: 'Refused.', ref: 'join' };
    case 'room-open': return { type: 'room', roomId, capacity: 3, peers: 1 };
    case 'peer-joined': return { type: 'peer-joined', peerId: draw() };
    case 'peer-joined-again': return { type: 'peer-joined', peerId: ids[0]! };
    case 'peer-left': return { type: 'peer-left', peerId: ids[move.rank]! };
    case 'offer-from': return { type: 'signal', from: ids[move.rank]!, data: { description: { type: 'offer', sdp: 'v=0 remote offer' } } };
    case 'noise': return { type: 'error', code: 'peer-not-found', message: 'No such peer.', ref: 'signal' };
    default: throw new Error(`${move.kind} is no server frame`);
  }
}

/** The event `move` stands for, as the call machine receives it, for the graph. */
function graphEvent(snapshot: CallSnapshot, move: CallMove, stream: MediaStream, draw: () => string): CallEvent {
  const value = snapshot.value as Record<string, string>;
  const entry = 'rank' in move ? snapshot.context.peers[move.rank]! : undefined;
  // The media attempts' invokes have no id: xstate names them `<index>.<state id>`.
  const media = `0.call.media.${value.media}`;
  switch (move.kind) {
    case 'ui': return move.event;
    case 'media-ready': return { type: `xstate.done.actor.${media}`, output: stream } as unknown as CallEvent;
    case 'media-failed': return { type: `xstate.error.actor.${media}`, error: new MediaAccessError(move.code, 'No.') } as unknown as CallEvent;
    case 'drop': return { type: 'socket.closed', code: move.code };
    case 'online': return { type: 'network.online' };
    case 'timeout': {
      const delayed = value.checking ? 'joinTimeout.call.checking' : value.joining ? 'joinTimeout.call.joining' : value.rejoining === 'waiting' ? 'reconnectDelay.call.rejoining.waiting' : `joinTimeout.call.rejoining.${value.rejoining}`;
      return { type: `xstate.after.${delayed}` } as unknown as CallEvent;
    }
    case 'new-device': return { type: 'ui.useTrack', track: new FakeTrack('graph-camera', 'video') as unknown as MediaStreamTrack };
    case 'track-ended': return { type: 'media.trackEnded', kind: 'video' };
    case 'media-added': return { type: 'media.added', source: move.source, stream };
    case 'media-refused': return { type: 'media.refused', source: move.source, code: 'media-denied', message: 'No.' };
    case 'screen-ended': return { type: 'media.screenEnded' };
    case 'peer-signal': return { type: 'peer.signal', peerId: entry!.peerId, data: { candidate: candidate(1) } };
    case 'peer-failed': return { type: `xstate.done.actor.${entry!.ref.id}`, output: { peerId: entry!.peerId, error: { code: 'ice-failed', message: 'Failed.' } } } as unknown as CallEvent;
    default: return { type: 'socket.message', message: messageFor(snapshot.context, move, draw) };
  }
}

/**
 * What a user could tell about a call, ids left out: its state, its error (and the rank of the
 * peer it concerns), each remote peer's role and handshake word, the reconnection attempt and
 * whether signals are held for later. Whether it holds a camera is left out: the replay checks it.
 */
export function callKey(snapshot: CallSnapshot, words: readonly string[]): string {
  const { error, peers, reconnectAttempt, outbox, intent, resumeGraceMs, endedPeers } = snapshot.context;
  // After a failed attempt only more attempts can fail (see `callMoves`): who is in the call no longer
  // matters, only whether a peer is left; past the budget every attempt is alike.
  if (reconnectAttempt > 0 && snapshot.matches('rejoining')) {
    const attempt = reconnectDelay(reconnectAttempt, resumeGraceMs ?? defaultResumeGraceMs) === null ? 'slow' : reconnectAttempt;
    return `${JSON.stringify(snapshot.value)} attempt:${attempt} live:${peers.some((peer) => !endedPeers.includes(peer.peerId))}`;
  }
  const about = error?.peerId === undefined ? '' : `@${peers.findIndex((peer) => peer.peerId === error.peerId)}`;
  const handshakes = peers.map((peer, rank) => `${peer.ref.getSnapshot().context.role}:${words[rank]}`);
  // Whether the person opened a link matters while media is asked for: it leads to the pre-join screen.
  const preview = intent?.kind === 'join' && intent.preview ? ' preview' : '';
  // Before joining, whether the link's socket is still open decides whether joining opens another.
  const kept = (snapshot.matches('media') || snapshot.matches('prejoin')) && snapshot.children.socket !== undefined ? ' socket-kept' : '';
  // A screen shared, and a camera or screen asked for mid-call, change what the person can do next.
  const asked = (['camera', 'screen'] as const).filter((source) => snapshot.children[source] !== undefined);
  // Joined receive-only, the camera toggle asks for a camera. Simple paths leave this out
  // (`withoutCamera`): they keep to one way through each stage.
  const cameraless = (snapshot.matches('joining') || snapshot.matches('inCall')) && snapshot.context.localStream === null;
  const sharing = `${cameraless ? ' no-camera' : ''}${snapshot.context.screenStream ? ' sharing' : ''}${asked.length > 0 ? ` asked:${asked.join('+')}` : ''}`;
  return `${JSON.stringify(snapshot.value)}${preview}${kept} error:${error ? error.code + about : 'none'} peers:[${handshakes.join(',')}] attempt:${reconnectAttempt} held:${outbox.length > 0}${sharing}`;
}

/**
 * The handshake word of each peer, by rank, once `move` led to `after` from a call whose peers'
 * words were `words`: a peer that left is gone, a routed offer makes its peer `answering`, a
 * failure `failed`; after a resume the kept peers keep theirs and the oldest made way for a
 * newcomer; a new machine starts `offering` (we offer) or `idle` (we wait for its offer).
 */
function nextWords(words: readonly string[], move: CallMove | undefined, after: CallSnapshot): string[] {
  const peers = after.context.peers;
  const first = (rank: number) => (peers[rank]?.ref.getSnapshot().context.role === 'offerer' ? 'offering' : 'idle');
  const fresh = () => peers.map((_, rank) => first(rank));
  switch (move?.kind) {
    case undefined: return fresh();
    case 'peer-left': return words.filter((_, rank) => rank !== move.rank);
    case 'offer-from': return words.map((word, rank) => (rank === move.rank ? 'answering' : word));
    case 'peer-failed': return words.map((word, rank) => (rank === move.rank ? 'failed' : word));
    case 'resumed': return move.turnover ? [...words.slice(1), first(peers.length - 1)] : [...words];
    case 'rejoined-as-new': return fresh();
    default: return peers.map((_, rank) => words[rank] ?? first(rank));
  }
}

/**
 * Every move possible in a call in `snapshot` whose peers' handshakes read `words`. Peers are
 * at most two (a room of three). After a first failed reconnection attempt only the moves that
 * fail the next ones remain, so the attempts run out in a bounded number of states.
 */
function callMoves(snapshot: CallSnapshot, words: readonly string[]): CallMove[] {
  if (snapshot.status !== 'active') return [];
  const ui = (type: Exclude<CallUiEvent['type'], 'ui.create' | 'ui.join' | 'ui.open' | 'ui.useTrack'>): CallMove => ({ kind: 'ui', event: { type } });
  const start: CallMove[] = [
    { kind: 'ui', event: { type: 'ui.create' } },
    { kind: 'ui', event: { type: 'ui.join', roomId } },
    { kind: 'ui', event: { type: 'ui.open', roomId } },
  ];
  const [hangUp, lost, timeout] = [ui('ui.hangUp'), { kind: 'drop', code: 1006 }, { kind: 'timeout' }] as const;
  const { peers, reconnectAttempt, outbox } = snapshot.context;
  // With two peers, only the newer one's handshake moves on: enough to see each is routed to its own machine.
  const ranks = (wanted: readonly string[]) => words.flatMap((word, rank) => (wanted.includes(word) && rank === peers.length - 1 ? [rank] : []));
  const live = ranks(['offering', 'answering']);
  const is = (state: Parameters<CallSnapshot['matches']>[0]) => snapshot.matches(state);
  if (is('lobby')) return [...start, ui('ui.toggleMic'), ui('ui.toggleCamera'), { kind: 'new-device' }];
  if (is({ checking: 'connecting' })) return [{ kind: 'welcome' }, lost, timeout, hangUp];
  if (is({ checking: 'asking' })) {
    return [{ kind: 'room-open' }, { kind: 'refused', code: 'room-full' }, { kind: 'refused', code: 'room-not-found' }, lost, timeout, hangUp];
  }
  // The link's socket, kept for the join, may be lost while the camera is asked for or on the pre-join screen.
  const keptLost: CallMove[] = snapshot.children.socket === undefined ? [] : [lost];
  if (is('prejoin')) return [ui('ui.joinCall'), ui('ui.backToLobby'), hangUp, ui('ui.toggleMic'), { kind: 'new-device' }, ...keptLost];
  if (is('ended') || is('failed')) return [...start, ui('ui.backToLobby')];
  if (is({ media: 'blocked' })) return [ui('ui.receiveOnly'), ui('ui.retryMedia'), ui('ui.backToLobby'), hangUp, ...keptLost];
  if (is('media')) {
    const answers: CallMove[] = [{ kind: 'media-ready' }, { kind: 'media-failed', code: 'media-unavailable' }, { kind: 'media-failed', code: 'media-denied' }];
    return [...answers, hangUp, ...(is({ media: 'cameraAndMic' }) ? [ui('ui.toggleMic')] : []), ...keptLost];
  }
  if (is({ joining: 'connecting' })) return [{ kind: 'welcome' }, lost, timeout, hangUp];
  if (is({ joining: 'requesting' })) {
    const rooms: CallMove[] = [0, 1, 2].map((count) => ({ kind: 'joined', peers: count }));
    return [...rooms, { kind: 'refused', code: 'room-full' }, { kind: 'refused', code: 'room-not-found' }, lost, timeout, hangUp];
  }
  if (is('inCall')) {
    // A device that stops is met once, alone in the room: the rest of the call is as after a toggle.
    const deviceStops = peers.length === 0 && !snapshot.context.error && snapshot.context.localStream ? [{ kind: 'track-ended' } as const] : [];
    // A screen or a camera asked for mid-call comes or is refused; shared screens stop. Met with one peer at most.
    const asked = (['camera', 'screen'] as const).filter((source) => snapshot.children[source] !== undefined);
    const midCall: CallMove[] = peers.length > 1 ? [] : [
      ui('ui.toggleScreen'),
      ...asked.flatMap((source) => [{ kind: 'media-added', source }, { kind: 'media-refused', source }] as const),
      ...(snapshot.context.screenStream ? [{ kind: 'screen-ended' } as const] : []),
    ];
    return [
      ...deviceStops,
      ...midCall,
      ...(peers.length === 0 || (peers.length === 1 && live.length === 1 && !snapshot.context.error) ? [{ kind: 'peer-joined' } as const] : []),
      ...(peers.length > 0 ? [{ kind: 'peer-joined-again' } as const] : []),
      ...peers.map((_, rank) => ({ kind: 'peer-left', rank }) as const),
      ...ranks(['idle']).map((rank) => ({ kind: 'offer-from', rank }) as const),
      { kind: 'noise' },
      ...live.flatMap((rank) => [{ kind: 'peer-signal', rank }, { kind: 'peer-failed', rank }] as const),
      lost, { kind: 'drop', code: closeCodes.replaced }, hangUp, ui('ui.toggleMic'), ui('ui.toggleCamera'),
    ];
  }
  if (reconnectAttempt > 0) return is({ rejoining: 'connecting' }) ? [timeout, lost] : [timeout];
  const meanwhile: CallMove[] = [
    ...(outbox.length === 0 ? live.map((rank) => ({ kind: 'peer-signal', rank }) as const) : []),
    ...live.map((rank) => ({ kind: 'peer-failed', rank }) as const),
    hangUp,
  ];
  if (is({ rejoining: 'waiting' })) return [timeout, { kind: 'online' }, ...meanwhile];
  if (is({ rejoining: 'connecting' })) return [{ kind: 'welcome' }, lost, timeout, ...meanwhile];
  const answers: CallMove[] = [{ kind: 'resumed', turnover: false }, ...(peers.length > 0 ? [{ kind: 'resumed', turnover: true } as const] : [])];
  return [...answers, { kind: 'rejoined-as-new' }, { kind: 'refused', code: 'room-not-found' }, lost, timeout, ...meanwhile];
}

/** The moves of `simple` paths: one way through each stage, so orders of stages are what varies. */
const simpleMoves = new Set(['ui.create', 'ui.hangUp', 'ui.receiveOnly', 'ui.backToLobby', 'media(ready)', 'media(media-denied)', 'socket.message(welcome)', 'socket.message(joined 1 peers)', 'socket.closed(1006)', 'timeout', 'socket.message(resumed)', 'peer(signal #0)', 'peer(failed #0)']);

/** A call's key without whether it is in the call without a camera (simple paths merge the two). */
export function withoutCamera(key: string): string {
  return key.replace(' no-camera', '');
}

/**
 * Generates paths over `callMachine`:
 * - `shortest`: one shortest path to every (call, last move, previous state) triple, so every
 *   move from every state where it is possible lies on some path, self-loops included.
 * - `simple`: every simple path between states (`callKey` without the attempt number)
 *   over `simpleMoves`, ending where a call ends (`ended`, `failed`, back in the `lobby`).
 *   The walk stops at `ended`/`failed` and a retry is a cycle without attempt numbers, which
 *   bounds them (about a hundred).
 */
export function callPaths(kind: CallPath['kind']): CallPath[] {
  const stream = createFakeStream('model', { audio: true, video: true }).asMediaStream();
  const simple = kind === 'simple';
  // The peers' words are not in the snapshot (and a transition that changes nothing returns the
  // same snapshot object): each event carries the words before its move, and xstate/graph asks
  // for a state's events right after serializing it, so `current` holds that state's words then.
  let current: { snapshot: CallSnapshot; words: string[] } | undefined;
  const wordsAfter = (snapshot: CallSnapshot, event: CallEvent | undefined): string[] => {
    const given = event as ModelEvent | undefined;
    return nextWords(given?.words ?? [], given?.move, snapshot);
  };
  const serializeState = (snapshot: CallSnapshot, event: CallEvent | undefined, previous?: CallSnapshot): string => {
    current = { snapshot, words: wordsAfter(snapshot, event) };
    const key = callKey(snapshot, current.words);
    const move = (event as ModelEvent | undefined)?.move;
    if (simple) return withoutCamera(key).replace(/ attempt:(\d+|slow)/, '');
    return `${key} after ${move ? moveLabel(move) : 'start'} from ${JSON.stringify(previous?.value ?? null)}`;
  };
  const events = (snapshot: CallSnapshot): ModelEvent[] => {
    if (current?.snapshot !== snapshot) throw new Error('xstate/graph asked for the events of a state it did not just serialize');
    const { words } = current;
    // Fresh ids are above every id the call still mentions, as the server never reuses one.
    const { selfId, peers, error, outbox } = snapshot.context;
    const ids = [selfId, error?.peerId, ...peers.map((peer) => peer.peerId), ...outbox.map((signal) => signal.peerId)];
    let highest = Math.max(0, ...ids.map((id) => Number(id?.slice(1)) || 0));
    const moves = callMoves(snapshot, words).filter((move) => !simple || simpleMoves.has(moveLabel(move)));
    return moves.map((move) => ({ ...graphEvent(snapshot, move, stream, () => `p${++highest}`), move, words }) as ModelEvent);
  };
  const over = (snapshot: CallSnapshot) => snapshot.matches('ended') || snapshot.matches('failed');
  const options = { events, serializeState, limit: 100_000, filterEvents: (_: CallSnapshot, event: CallEvent) => 'move' in event };
  const paths = simple
    ? getSimplePaths(callMachine, { ...options, stopWhen: over, toState: (snapshot) => over(snapshot) || snapshot.matches('lobby') }).filter((path) => path.steps.length > 1)
    : getShortestPaths(callMachine, options);
  return paths.map((path) => {
    const [start, ...steps] = path.steps;
    const moves = steps.map((step) => (step.event as ModelEvent).move);
    const key = (snapshot: CallSnapshot, event: CallEvent | undefined) => {
      const full = callKey(snapshot, wordsAfter(snapshot, event));
      return simple ? withoutCamera(full) : full;
    };
    const keys = steps.map((step) => key(step.state, step.event));
    return { kind, start: key(start!.state, undefined), moves, keys, labels: moves.map((move) => ({ type: moveLabel(move) })) };
  });
}

/** A getUserMedia stand-in whose requests wait until a path answers them. */
class ScriptedMedia {
  /** Every stream handed out, in order. */
  readonly streams: FakeStream[] = [];
  /** Every track handed out, in streams or as a picked device, in order. */
  readonly tracks: FakeTrack[] = [];

  /** A track of a newly picked camera, as the page would get it for `ui.useTrack`. */
  device(): FakeTrack {
    const track = new FakeTrack(`device-${this.tracks.length + 1}`, 'video');
    this.tracks.push(track);
    return track;
  }
  private readonly waiting: Array<{ input: MediaRequest; resolve: (stream: MediaStream) => void; reject: (error: unknown) => void }> = [];
  /** Requests for a camera or a screen mid-call that are still asked for, by source. */
  readonly requests = new Map<MediaSource, (event: CallEvent) => void>();
  /** The screen handed out last, while shared. */
  screen: FakeStream | null = null;
  readonly requestLogic = fromCallback<CallEvent, { source: MediaSource }>(({ input, sendBack }) => {
    this.requests.set(input.source, sendBack);
    return () => this.requests.delete(input.source);
  });

  /** Answers the request for `source`: a camera or a screen stream, or a refusal. */
  answerRequest(move: Extract<CallMove, { kind: 'media-added' | 'media-refused' }>): void {
    const sendBack = this.requests.get(move.source);
    if (sendBack === undefined) throw new Error(`no ${move.source} request is waiting`);
    if (move.kind === 'media-refused') return sendBack({ type: 'media.refused', source: move.source, code: 'media-denied', message: 'Not this time.' });
    const stream = createFakeStream(`${move.source}-${this.streams.length + 1}`, { audio: false, video: true });
    this.streams.push(stream);
    this.tracks.push(...stream.getTracks());
    if (move.source === 'screen') this.screen = stream;
    sendBack({ type: 'media.added', source: move.source, stream: stream.asMediaStream() });
  }
  readonly logic = fromPromise<MediaStream, MediaRequest>(({ input }) => new Promise((resolve, reject) => void this.waiting.push({ input, resolve, reject })));

  /** Answers the latest request: a stream with the requested devices, or the given refusal. */
  answer(move: Extract<CallMove, { kind: 'media-ready' | 'media-failed' }>): void {
    const request = this.waiting.pop();
    if (request === undefined) throw new Error('no media request is waiting');
    if (move.kind === 'media-failed') return request.reject(new MediaAccessError(move.code, 'Not this time.'));
    const stream = createFakeStream(`local-${this.streams.length + 1}`, request.input);
    this.streams.push(stream);
    this.tracks.push(...stream.getTracks());
    request.resolve(stream.asMediaStream());
  }
}

/**
 * Replays moves into a fresh `callMachine` on a simulated clock, with scripted media, the fake
 * signaling socket (the replay plays the server) and real peer machines over fake connections
 * (ids `p<n>` drawn in order, unique in the run). Media answers arrive asynchronously, as from
 * getUserMedia, so `step` waits until the machine has taken the answer.
 */
export class CallReplay {
  readonly actor: Actor<typeof callMachine>;
  readonly clock = new TimerClock();
  readonly media = new ScriptedMedia();
  readonly signaling = createFakeSignaling();
  /** Each peer machine's connection, by the connection actor. */
  readonly connections = new Map<AnyActorRef, FakePeerConnection>();
  /** The candidate each `peer-signal` move made the peer's connection find. */
  lastCandidate: RTCIceCandidateInit | null = null;
  private drawn = 0;

  constructor(inspect?: (event: InspectionEvent) => void) {
    const peerConnection = fromCallback<PeerConnectionCommand, PeerConnectionInput>(({ input, sendBack, receive, self }) => {
      const connection = new FakePeerConnection(input, sendBack);
      this.connections.set(self, connection);
      receive((command) => connection.handle(command));
      return () => connection.close();
    });
    const peer = peerMachine.provide({ actors: { peerConnection }, delays: { iceTimeout: neverMs, iceRestartDelay: neverMs, iceRestartRetry: neverMs } });
    const machine = callMachine.provide({ actors: { acquireMedia: this.media.logic, requestMedia: this.media.requestLogic, signalingSocket: this.signaling.logic, peerMachine: peer } });
    this.actor = createActor(machine, { clock: this.clock, inspect });
    this.actor.start();
  }

  get snapshot(): CallSnapshot {
    return this.actor.getSnapshot();
  }

  /** Each remote peer's handshake word, read from its machine. */
  words(): string[] {
    return this.snapshot.context.peers.map((peer) => handshakeStateOf(peer.ref.getSnapshot()));
  }

  /** The connection of the peer at `rank`. */
  connectionOf(rank: number): FakePeerConnection {
    const pc = this.snapshot.context.peers[rank]?.ref.getSnapshot().children.pc;
    const connection = pc && this.connections.get(pc);
    if (!connection) throw new Error(`the peer at rank ${rank} has no connection`);
    return connection;
  }

  /** Makes `move` happen to the fakes. */
  async step(move: CallMove): Promise<void> {
    switch (move.kind) {
      case 'ui': return void this.actor.send(move.event);
      case 'media-ready':
      case 'media-failed': {
        const attemptOf = (snapshot: CallSnapshot) => (snapshot.value as { media?: string }).media;
        const attempt = attemptOf(this.snapshot);
        this.media.answer(move);
        await waitFor(this.actor, (snapshot) => attemptOf(snapshot) !== attempt, { timeout: 2_000 });
        return;
      }
      case 'welcome': return this.signaling.last.open();
      case 'online': return void this.actor.send({ type: 'network.online' });
      case 'new-device': return void this.actor.send({ type: 'ui.useTrack', track: this.media.device() as unknown as MediaStreamTrack });
      case 'track-ended': return void this.actor.send({ type: 'media.trackEnded', kind: 'video' });
      case 'media-added':
      case 'media-refused': return this.media.answerRequest(move);
      case 'screen-ended':
        // The browser ends the track; the page tells the call.
        for (const track of this.media.screen?.getTracks() ?? []) track.endByItself();
        return void this.actor.send({ type: 'media.screenEnded' });
      case 'drop': return this.signaling.last.drop(move.code);
      case 'timeout': return this.clock.fireNext();
      case 'peer-signal':
        this.lastCandidate = candidate(++this.drawn);
        return this.connectionOf(move.rank).emit({ type: 'pc.candidate', candidate: this.lastCandidate });
      // A connection that refuses a description ends its handshake (no path found is retried instead).
      case 'peer-failed': return this.connectionOf(move.rank).emit({ type: 'pc.error', operation: 'setRemoteDescription', message: 'Refused.' });
      default: return this.signaling.last.receive(messageFor(this.snapshot.context, move, () => `p${++this.drawn}`));
    }
  }
}
