import { createActor, fromCallback, type Actor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { PeerConnectionCommand, PeerConnectionEvent, PeerConnectionInput } from '../../machines/peer/peer-connection-contract.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import type { PeerEvent, PeerInput, PeerSignal, PeerStatus } from '../../machines/peer/types.ts';
import type { SendLimit } from '../../machines/peer/send-limit.ts';
import type { IceServer } from '../../protocol/messages.ts';
import { createFakeStream, type FakeStream } from './fakes/fake-media.ts';
import { FakePeerConnection } from './fakes/fake-peer-connection.ts';
import { candidate, remote } from './fakes/start-peer.ts';
import { TimerClock } from './timer-clock.ts';

/**
 * Paths through `peerMachine` for model-based tests, generated with `xstate/graph`, and a
 * replay that plays one path into the machine provided with a fake RTCPeerConnection.
 *
 * The graph sees the machine alone, so the events listed for a state are what the world around
 * one handshake can do there: the call relays a description or a candidate or decides local
 * media, the connection answers a command it was given (`pc.description` only while a local
 * description is being made, `pc.remoteDescription` only while one is being applied), the
 * network reports (`pc.track` once a remote description is in place, `pc.connectionState`
 * `connected` once remote media came), or a timer fires (`xstate.after.<delay>.<state id>`).
 * The connection is a callback actor invoked for the machine's whole life (from the start, so
 * it can report before the handshake begins) that never finishes: there is no
 * `xstate.done.actor.pc` / `xstate.error.actor.pc`, its failures come as `pc.error`.
 */

/** Who the machine is started as: offerer or answerer, with its media decided or still pending. */
export const peerSetups = ['offerer', 'answerer', 'offerer, media pending', 'answerer, media pending'] as const;
export type PeerSetup = (typeof peerSetups)[number];

/** A delayed event of the machine, named as xstate names it. */
type AfterEvent =
  | { type: `xstate.after.${'iceTimeout' | 'iceRestartDelay' | 'iceRestartRetry'}.peer.active.connection.${string}` }
  | { type: 'xstate.after.offerWait.peer.idle' };
/** An event of a generated path. */
export type PeerModelEvent = PeerEvent | AfterEvent;
type PeerSnapshot = SnapshotFrom<typeof peerMachine>;

/** A generated path: its events, and the machine at the start and after each, as `peerKey` describes it. */
export interface PeerPath {
  kind: 'shortest' | 'simple';
  setup: PeerSetup;
  start: string;
  events: PeerModelEvent[];
  keys: string[];
  /** One label per event, for `pathName`. */
  labels: Array<{ type: string }>;
}

function inputOf(setup: PeerSetup, stream: FakeStream | null): PeerInput {
  const input: PeerInput = { peerId: 'remote-peer-1', role: setup.startsWith('offerer') ? 'offerer' : 'answerer', iceServers: [{ urls: 'stun:127.0.0.1:3478' }] };
  if (!setup.endsWith('pending')) input.localMedia = { stream: stream?.asMediaStream() ?? null };
  return input;
}

/** What a user (or the page) could tell about a handshake, with queue lengths capped at 2. */
export function peerKey(snapshot: PeerSnapshot): string {
  const { localMedia, remoteOffer, pendingCandidates, hasRemoteDescription, offerWanted, ignoringOffer, remoteStream } = snapshot.context;
  const media = localMedia === null ? 'media-undecided' : localMedia.stream ? 'sending' : 'receive-only';
  const flags = [remoteOffer && 'offer-held', hasRemoteDescription && 'remote-set', offerWanted && 'offer-wanted', ignoringOffer && 'ignoring-offer', remoteStream && 'remote-media'];
  return [JSON.stringify(snapshot.value), media, `queued:${Math.min(pendingCandidates.length, 2)}`, ...flags.filter(Boolean)].join(' ');
}

/** A label for a test title: the event's type with what tells it apart from its namesakes. */
export function peerEventLabel(event: PeerModelEvent): string {
  const fields = event as { description?: { type: string }; descriptionType?: string; state?: string; operation?: string; candidate?: unknown; stream?: unknown };
  const ready = event.type === 'media.ready' ? (fields.stream === null ? 'receive-only' : 'camera') : '';
  const detail = fields.description?.type ?? fields.descriptionType ?? fields.state ?? fields.operation ?? (fields.candidate === null ? 'end' : ready);
  return detail ? `${event.type}(${detail})` : event.type;
}

/**
 * What can happen to a handshake in `snapshot`. `simple` keeps to an undisturbed handshake up
 * to `connected`: descriptions, replies, a candidate and their end of candidates before any
 * remote description, remote media, no failure.
 */
function peerEvents(snapshot: PeerSnapshot, stream: MediaStream, simple: boolean): PeerModelEvent[] {
  if (snapshot.status !== 'active') return [];
  const { pendingCandidates, hasRemoteDescription, remoteOffer, remoteStream, offerWanted, role } = snapshot.context;
  const offer: PeerEvent = { type: 'signal.description', description: remote('offer') };
  const failure = (operation: 'setLocalDescription' | 'setRemoteDescription'): PeerEvent => ({ type: 'pc.error', operation, message: 'Refused.' });
  const early = !hasRemoteDescription && pendingCandidates.length < (simple ? 1 : 2);
  const events: PeerModelEvent[] = [];
  if (early || (hasRemoteDescription && !simple)) events.push({ type: 'signal.candidate', candidate: candidate(1) });
  // Their end of candidates, after one of them.
  if (!hasRemoteDescription && pendingCandidates.length === 1) events.push({ type: 'signal.candidate', candidate: null });
  if (!simple) events.push({ type: 'peer.close' });
  // The call grows and a switch flips whenever it likes; told before the connection exists, kept for it.
  // What we send may change at any time too (a camera turned on, a screen shared or stopped).
  const update: PeerModelEvent = { type: 'media.update', stream, screen: null };
  const aside: PeerModelEvent[] = simple ? [] : [{ type: 'media.sendLimit', limit: modelLimit }, { type: 'status.local', status: { micMuted: true, cameraOff: false } }, { type: 'ice.servers', iceServers: [] }, update];
  // An answerer whose offer does not come asks again after a while.
  const asking: PeerModelEvent[] = simple ? [] : [{ type: 'xstate.after.offerWait.peer.idle' }];
  // The connection exists from the start: a browser may ask for an offer before there is anything to negotiate.
  const unasked: PeerModelEvent[] = simple ? [] : [{ type: 'pc.negotiationNeeded' }];
  if (snapshot.matches('idle')) return [...events, offer, ...aside, ...asking, ...unasked];
  if (snapshot.matches('media')) {
    const ready: PeerEvent[] = [{ type: 'media.ready', stream }, ...(simple ? [] : [{ type: 'media.ready' as const, stream: null }])];
    return [...events, ...ready, ...(remoteOffer || (simple && role === 'offerer') ? [] : [offer]), ...aside, ...unasked];
  }
  const { connection, negotiation } = (snapshot.value as { active: { connection: string | { reconnecting: string }; negotiation: string } }).active;
  // A remote offer comes to start, to renegotiate, or colliding with ours; never while they await our answer.
  const remoteOffers = simple ? role === 'answerer' && negotiation === 'stable' && !hasRemoteDescription : !['applyingOffer', 'makingAnswer'].includes(negotiation);
  if (remoteOffers) events.push(offer);
  switch (negotiation) {
    case 'stable': events.push({ type: 'pc.negotiationNeeded' }); break;
    case 'makingOffer': events.push({ type: 'pc.description', description: { type: 'offer' } }, ...(simple ? [] : [failure('setLocalDescription')])); break;
    case 'awaitingAnswer': events.push({ type: 'signal.description', description: remote('answer') }); break;
    case 'applyingAnswer': events.push({ type: 'pc.remoteDescription', descriptionType: 'answer' }, ...(simple ? [] : [failure('setRemoteDescription')])); break;
    case 'applyingOffer': events.push({ type: 'pc.remoteDescription', descriptionType: 'offer' }, ...(simple ? [] : [failure('setRemoteDescription')])); break;
    case 'makingAnswer': events.push({ type: 'pc.description', description: { type: 'answer' } }); break;
  }
  if (hasRemoteDescription && !remoteStream) events.push({ type: 'pc.track', streamId: stream.id, stream });
  const handshaking = connection === 'offering' || connection === 'answering';
  // ICE connects once both descriptions are in place (stable) and remote media came with theirs.
  if (handshaking && negotiation === 'stable' && hasRemoteDescription && remoteStream) events.push({ type: 'pc.connectionState', state: 'connected' });
  if (simple) return events.filter((event) => event.type !== 'pc.negotiationNeeded' || negotiation === 'stable' && role === 'offerer' && !hasRemoteDescription);
  // Asked for during another round (some stacks fire it once): kept for later.
  if (!offerWanted && ['awaitingAnswer', 'makingAnswer'].includes(negotiation)) events.push({ type: 'pc.negotiationNeeded' });
  // The remote peer asks for an offer: between rounds, or while ours went unanswered (it was lost).
  if (['stable', 'awaitingAnswer'].includes(negotiation)) events.push({ type: 'signal.wantOffer' });
  // Candidates of an offer we ignored fail, as do ones the connection cannot use at all.
  if (snapshot.context.ignoringOffer) events.push({ type: 'pc.error', operation: 'addCandidate', message: 'Unknown ufrag.' });
  if (handshaking) {
    events.push({ type: 'pc.connectionState', state: 'failed' }, { type: `xstate.after.iceTimeout.peer.active.connection.${connection}` });
    if (negotiation === 'awaitingAnswer' || negotiation === 'stable') events.push({ type: 'pc.candidate', candidate: candidate(9) });
  }
  if (connection === 'connected') {
    events.push({ type: 'pc.connectionState', state: 'disconnected' }, { type: 'pc.connectionState', state: 'failed' });
    events.push({ type: 'pc.error', operation: 'addCandidate', message: 'Unknown ufrag.' });
    // A device the browser would not take: the picture goes on as it was.
    events.push({ type: 'pc.error', operation: 'replaceTrack', message: 'Refused.' });
  }
  if (negotiation === 'stable') {
    // Between rounds: the call grows, a device changes, the remote peer says what it switched.
    events.push({ type: 'media.sendLimit', limit: modelLimit }, { type: 'media.replaceTrack', track: {} as MediaStreamTrack }, update);
    // A resume brought fresh TURN credentials.
    events.push({ type: 'ice.servers', iceServers: [] });
    events.push({ type: 'pc.message', message: { type: 'status', micMuted: true, cameraOff: true } });
    const channel = (snapshot.value as { active: { channel: string } }).active.channel;
    // The data channel opens once the connection is up; then a switch flipped is told at once.
    if (channel === 'waiting' && connection === 'connected') events.push({ type: 'pc.channelOpen' });
    if (channel === 'open') events.push({ type: 'status.local', status: { micMuted: true, cameraOff: false } });
  }
  if (connection === 'failed') {
    // Retried: a restart at a time, until a path is found.
    if (negotiation === 'stable' && hasRemoteDescription && remoteStream) events.push({ type: 'pc.connectionState', state: 'connected' });
    events.push({ type: 'xstate.after.iceRestartRetry.peer.active.connection.failed' });
  }
  if (typeof connection === 'object' && 'reconnecting' in connection) {
    events.push({ type: 'pc.connectionState', state: 'connected' }, { type: 'pc.connectionState', state: 'failed' });
    const step = connection.reconnecting === 'waiting' ? 'iceRestartDelay' : 'iceRestartRetry';
    events.push({ type: `xstate.after.${step}.peer.active.connection.reconnecting.${connection.reconnecting}` });
  }
  return events;
}

/** The send limit the model's call sets. */
const modelLimit: SendLimit = { maxBitrate: 500_000, scaleResolutionDownBy: 2 };

const stopAtActive = (snapshot: PeerSnapshot) => snapshot.matches('active');
const reachedConnected = (snapshot: PeerSnapshot) => snapshot.matches({ active: { connection: 'connected' } });

/**
 * Generates paths over `peerMachine` for one setup:
 * - `shortest`: one shortest path to every (state, last event, previous state) triple, so every
 *   event from every state where it is possible lies on some path, self-loops included (a
 *   candidate applied at once, a refused candidate, our own candidate sent). Setups with media
 *   pending stop at `active`: from there on they are the decided setups again.
 * - `simple`: every simple path from the start to `connected` over an undisturbed handshake
 *   (see `peerEvents`): every order in which the offer, the answer, early candidates, late
 *   media and remote media can come. The graph stops at `connected`, which bounds them.
 */
export function peerPaths(kind: PeerPath['kind'], setup: PeerSetup): PeerPath[] {
  const stream = createFakeStream('model', { audio: true, video: true });
  const simple = kind === 'simple';
  // A peer machine outside a call has no parent: its signals go nowhere while the graph is walked.
  const machine = peerMachine.provide({ actions: { sendSignal: () => {} } });
  const options = {
    input: inputOf(setup, stream),
    events: (snapshot: PeerSnapshot) => peerEvents(snapshot, stream.asMediaStream(), simple) as PeerEvent[],
    serializeState: (snapshot: PeerSnapshot, event: PeerEvent | undefined, previous?: PeerSnapshot) =>
      simple ? peerKey(snapshot) : `${peerKey(snapshot)} after ${event ? peerEventLabel(event) : 'start'} from ${JSON.stringify(previous?.value ?? null)}`,
    stopWhen: simple ? reachedConnected : setup.endsWith('pending') ? stopAtActive : undefined,
    limit: 100_000,
  };
  const paths = simple ? getSimplePaths(machine, options).filter((path) => reachedConnected(path.state)) : getShortestPaths(machine, options);
  return paths.map((path) => {
    // xstate/graph's steps: the start under `xstate.init`, then each event with the state it led to.
    const [start, ...steps] = path.steps;
    const events = steps.map((step) => step.event as PeerModelEvent);
    const keys = steps.map((step) => peerKey(step.state));
    return { kind, setup, start: peerKey(start!.state), events, keys, labels: events.map((event) => ({ type: peerEventLabel(event) })) };
  });
}

/**
 * Replays events into a fresh `peerMachine` on a simulated clock, with a FakePeerConnection
 * that carries out every command at once but whose replies (`pc.description`,
 * `pc.remoteDescription`) wait until the path says the browser gave them. Network events are
 * sent when the path says so; `negotiationneeded` too, as a browser fires it when it sees fit.
 */
export class PeerReplay {
  readonly actor: Actor<typeof peerMachine>;
  readonly clock = new TimerClock();
  /** Signals the machine sent to the remote peer, in order. */
  readonly signals: PeerSignal[] = [];
  /** Remote candidates handed to the machine while it was running, in order. */
  readonly remoteCandidates: Array<RTCIceCandidateInit | null> = [];
  /** Local descriptions the connection reported as set, in order. */
  readonly madeDescriptions: RTCSessionDescriptionInit[] = [];
  /** Every connection the machine opened (one at most). */
  readonly connections: FakePeerConnection[] = [];
  /** Commands the connection refused, as the `pc.error` it answered with. */
  readonly refused: PeerConnectionEvent[] = [];
  localStream: FakeStream | null;
  /** The connection state the network last reported, and whether it ever was `connected`. */
  network: RTCPeerConnectionState = 'new';
  everConnected = false;
  /** Whether the machine was told a remote description is in place. */
  remoteApplied = false;
  /** A remote offer came that must be answered (not one colliding with ours on the impolite side), and no answer went out since. */
  owesAnswer = false;
  /** What the call last told the machine: our switches, the send limit, tracks that replaced ours. */
  status: PeerStatus = { micMuted: false, cameraOff: false };
  /** The screen we share, as the call last said (each `media.update` starts or stops one). */
  screen: FakeStream | null = null;
  /** Whether the call changed what we send while the connection was up (each change names the screen, or none). */
  screenTold = false;
  sendLimit: SendLimit | null = null;
  readonly replacedTracks: string[] = [];
  /** The ICE servers the machine was last given (at the start, or by the call after a resume). */
  iceServers: IceServer[];
  /** The first connection failed or timed out: said, and retried until it connects. */
  gaveUp = false;
  /** The impolite side ignored a colliding offer, and no remote description was applied since. */
  ignoringOffer = false;
  /** The last refused remote candidate that was not one of an ignored offer's. */
  candidateError: string | null = null;
  /** What the remote peer last said of its switches over the data channel, while connected. */
  remoteSaid: PeerStatus | null = null;
  private readonly replies: PeerConnectionEvent[] = [];
  private deliver: (event: PeerConnectionEvent) => void = () => {};
  private count = 0;

  constructor(setup: PeerSetup, inspect?: (event: InspectionEvent) => void) {
    this.localStream = setup.endsWith('pending') ? null : createFakeStream('local', { audio: true, video: true });
    const peerConnection = fromCallback<PeerConnectionCommand, PeerConnectionInput>(({ input, sendBack, receive }) => {
      const connection = new FakePeerConnection(input, (event) => this.replied(event));
      this.connections.push(connection);
      this.deliver = (event) => void (!connection.closed && sendBack(event));
      receive((command) => connection.handle(command));
      return () => connection.close();
    });
    const sendSignal = (_: unknown, params: { data: PeerSignal }) => {
      if ('description' in params.data && params.data.description.type === 'answer') this.owesAnswer = false;
      this.signals.push(params.data);
    };
    const machine = peerMachine.provide({ actors: { peerConnection }, actions: { sendSignal } });
    const input = inputOf(setup, this.localStream);
    this.iceServers = input.iceServers;
    this.actor = createActor(machine, { input, clock: this.clock, inspect });
    this.actor.start();
  }

  get snapshot(): PeerSnapshot {
    return this.actor.getSnapshot();
  }

  get connection(): FakePeerConnection | null {
    return this.connections.at(-1) ?? null;
  }

  /** Makes `event` happen the way it would around a real handshake. */
  step(event: PeerModelEvent): void {
    const n = ++this.count;
    switch (event.type) {
      case 'signal.description': {
        const { status, context } = this.snapshot;
        const colliding = !context.polite && (['makingOffer', 'awaitingAnswer'] as const).some((state) => this.snapshot.matches({ active: { negotiation: state } }));
        if (status === 'active' && event.description.type === 'offer' && !colliding) this.owesAnswer = true;
        if (status === 'active' && event.description.type === 'offer' && colliding) this.ignoringOffer = true;
        return this.actor.send({ type: event.type, description: remote(event.description.type as 'offer' | 'answer', n) });
      }
      case 'signal.candidate': {
        const sent = event.candidate === null ? null : candidate(n);
        if (this.snapshot.status === 'active') this.remoteCandidates.push(sent);
        return this.actor.send({ type: event.type, candidate: sent });
      }
      case 'media.ready':
        this.localStream = event.stream === null ? null : createFakeStream(`late-${n}`, { audio: true, video: true });
        return this.actor.send({ type: event.type, stream: this.localStream?.asMediaStream() ?? null });
      case 'peer.close':
      case 'signal.wantOffer':
        return this.actor.send(event);
      case 'media.sendLimit':
        // A different limit each time, so a stale one would show.
        this.sendLimit = { maxBitrate: 100_000 * n, scaleResolutionDownBy: 2 };
        return this.actor.send({ type: event.type, limit: this.sendLimit });
      case 'ice.servers':
        // Different servers each time, so stale ones would show.
        this.iceServers = [{ urls: `turn:127.0.0.1:${3478 + n}`, username: `user-${n}`, credential: `secret-${n}` }];
        return this.actor.send({ type: event.type, iceServers: this.iceServers });
      case 'status.local':
        // Each time another switch: the microphone flips.
        this.status = { micMuted: !this.status.micMuted, cameraOff: this.status.cameraOff };
        return this.actor.send({ type: event.type, status: this.status });
      case 'media.update':
        // A receive-only call turns a camera on; a screen is shared, or the one shared stops.
        this.localStream ??= createFakeStream(`camera-${n}`, { audio: false, video: true });
        this.screen = this.screen === null ? createFakeStream(`screen-${n}`, { audio: false, video: true }) : null;
        this.screenTold ||= this.snapshot.matches('active');
        return this.actor.send({ type: event.type, stream: this.localStream.asMediaStream(), screen: this.screen?.asMediaStream() ?? null });
      case 'media.replaceTrack': {
        const [track] = createFakeStream(`device-${n}`, { audio: false, video: true }).getTracks();
        if (this.snapshot.matches('active')) this.replacedTracks.push(track!.id);
        return this.actor.send({ type: event.type, track: track as unknown as MediaStreamTrack });
      }
      case 'pc.message': {
        const said = { micMuted: n % 2 === 0, cameraOff: n % 3 === 0 };
        this.remoteSaid = said;
        return this.fromNetwork({ type: event.type, message: { type: 'status', ...said } });
      }
      case 'pc.channelOpen':
        return this.fromNetwork(event);
      case 'pc.description':
      case 'pc.remoteDescription':
        return this.reply(event);
      case 'pc.track':
      {
        const stream = createFakeStream(`remote-${n}`, { audio: true, video: true });
        return this.fromNetwork({ type: event.type, streamId: stream.id, stream: stream.asMediaStream() });
      }
      case 'pc.candidate':
        return this.fromNetwork({ type: event.type, candidate: candidate(100 + n) });
      case 'pc.error':
        // A refused candidate is worth a word, unless it came with an offer we ignored.
        if (event.operation === 'addCandidate' && !this.ignoringOffer) this.candidateError = event.message;
        return this.fromNetwork(event);
      case 'pc.negotiationNeeded':
      case 'pc.connectionState':
        return this.fromNetwork(event);
      default:
        if (event.type.startsWith('xstate.after.iceTimeout.')) this.gaveUp = true;
        return this.clock.fireNext();
    }
  }

  private replied(event: PeerConnectionEvent): void {
    if (event.type === 'pc.error') this.refused.push(event);
    else if (event.type !== 'pc.negotiationNeeded') this.replies.push(event);
  }

  private fromNetwork(event: PeerConnectionEvent): void {
    if (this.connection === null || this.connection.closed) throw new Error(`no open connection to report ${event.type}`);
    if (event.type === 'pc.connectionState') {
      this.network = event.state;
      this.everConnected ||= event.state === 'connected';
      this.gaveUp ||= event.state === 'failed';
    }
    this.deliver(event);
  }

  /** Reports the connection's replies, in order, up to the one `event` stands for. */
  private reply(event: Extract<PeerEvent, { type: 'pc.description' | 'pc.remoteDescription' }>): void {
    const wanted = event.type === 'pc.description' ? event.description.type : event.descriptionType;
    const index = this.replies.findIndex((reply) =>
      reply.type === event.type && (reply.type === 'pc.description' ? reply.description.type : (reply as { descriptionType?: string }).descriptionType) === wanted);
    if (index < 0) throw new Error(`the connection has no ${event.type} (${wanted}) to report: it was never asked for one`);
    for (const reply of this.replies.splice(0, index + 1)) {
      if (reply.type === 'pc.description') this.madeDescriptions.push(reply.description);
      this.remoteApplied ||= reply.type === 'pc.remoteDescription';
      if (reply.type === 'pc.remoteDescription') this.ignoringOffer = false;
      this.deliver(reply);
    }
  }
}
