import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { callMachine } from '../../machines/call-machine.ts';
import { handshakeStates, type HandshakeState } from '../../machines/peer/handshake-state.ts';
import { defaultReconnectPolicy, reconnectDelay } from '../../machines/call/reconnect-policy.ts';
import type { ClientMessage } from '../../protocol/messages.ts';
import { CallReplay, callKey, callPaths, withoutCamera, type CallPath } from '../support/call-model.ts';
import { fakeStreamOf } from '../support/fakes/fake-media.ts';
import { roomId } from '../support/fakes/start-call.ts';
import { CoverageRecorder, pathName, runningChildren, statesOf, transitionsOf } from '../support/model-coverage.ts';

// Full jitter draws each wait below its ceiling: the replays draw the highest, so a wait is its ceiling.
beforeEach(() => void vi.spyOn(Math, 'random').mockReturnValue(1 - 2 ** -30));
afterEach(() => void vi.restoreAllMocks());

const pathSets = (['shortest', 'simple'] as const).map((kind) => ({ kind, paths: callPaths(kind) }));

/**
 * Coverage over every replay of every path: each path's test feeds it, and the coverage test
 * replays (unchecked) only the paths whose test did not run, e.g. under a name filter.
 */
const coverage = { recorder: new CoverageRecorder(), replayed: new Set<CallPath>() };
const inspect = (event: InspectionEvent): void => {
  coverage.recorder.inspect(event);
};

/** States in which the server holds (or is about to give) us a seat: hanging up there sends `leave`. */
const seated = ['inCall', { joining: 'requesting' }, { rejoining: 'requesting' }] as const;

/**
 * What a person in the call could notice after a step, next to what it must be; `camera`:
 * whether getUserMedia gave this call a stream (the self-view shows it).
 */
function check(replay: CallReplay, key: string, hasCamera: boolean, simple = false, socketKept = false) {
  const snapshot = replay.snapshot;
  const { peers, localStream, screenStream, micMuted, cameraOff } = snapshot.context;
  const words = replay.words();
  const is = (state: Parameters<typeof snapshot.matches>[0]) => snapshot.matches(state);
  const over = is('ended') || is('failed');
  const running = runningChildren(snapshot);
  const camera = new Set(fakeStreamOf(localStream)?.getTracks() ?? []);
  const own = new Set([...camera, ...(fakeStreamOf(screenStream)?.getTracks() ?? [])]);
  const asked = [...replay.media.requests.keys()];
  const tracks = replay.media.tracks;
  const live = tracks.filter((track) => track.readyState === 'live');
  // The socket that checked a link's room stays open until it is lost or the person joins on it.
  const kept = socketKept && (is('media') || is('prejoin'));
  const socketOpen = kept || is('checking') || is('joining') || is('inCall') || is({ rejoining: 'connecting' }) || is({ rejoining: 'requesting' });
  const asking = is('media') && !is({ media: 'blocked' }) ? [`0.call.media.${(snapshot.value as { media: string }).media}`] : [];
  const observed = {
    state: simple ? withoutCamera(callKey(snapshot, words)) : callKey(snapshot, words),
    words: words.filter((word) => !handshakeStates.includes(word as HandshakeState)),
    // One running machine per remote peer known to the call whose handshake did not fail, and no other.
    peerMachines: running.filter((id) => id.startsWith('peer:')).sort(),
    entriesAreChildren: peers.every((peer) => snapshot.children[peer.ref.id] === peer.ref),
    otherChildren: running.filter((id) => !id.startsWith('peer:')).sort(),
    openSockets: replay.signaling.sockets.filter((socket) => !socket.closedByClient).length,
    holdsMedia: localStream !== null,
    // A camera or microphone is on only while the call holds it, and sends only when not switched off.
    liveOutsideCall: live.filter((track) => !own.has(track)).map((track) => track.id),
    stoppedInCall: [...own].filter((track) => track.readyState !== 'live').map((track) => track.id),
    switchedWrong: [...camera].filter((track) => track.enabled !== !(track.kind === 'audio' ? micMuted : cameraOff)).map((track) => track.id),
    released: over
      ? { openConnections: [...replay.connections.values()].filter((pc) => !pc.closed).length, timers: replay.clock.pending, localStream, screenStream, peers: peers.length }
      : undefined,
    // Every peer's connection is told what we send now: a screen shared mid-call goes to each.
    peersToldWrong: peers.filter((peer) => peer.ref.getSnapshot().status === 'active' && peer.ref.getSnapshot().context.localMedia?.screen !== screenStream).length,
    sharing: screenStream !== null,
  };
  const expected = {
    state: key,
    words: [],
    peerMachines: peers.filter((_, rank) => words[rank] !== 'failed').map((peer) => peer.ref.id).sort(),
    entriesAreChildren: true,
    otherChildren: [...asking, ...asked, ...(socketOpen ? ['socket'] : [])].sort(),
    openSockets: socketOpen ? 1 : 0,
    holdsMedia: hasCamera && !over,
    liveOutsideCall: [],
    stoppedInCall: [],
    switchedWrong: [],
    released: over ? { openConnections: 0, timers: 0, localStream: null, screenStream: null, peers: 0 } : undefined,
    peersToldWrong: 0,
    sharing: replay.media.screen?.getTracks().every((track) => track.readyState === 'live') === true,
  };
  return { observed, expected };
}

/** The request a new socket must carry: the room the person asked for, or our seat back. */
function requestFor(replay: CallReplay, intent: ClientMessage): ClientMessage {
  const { roomId: joinedRoom, resumeToken } = replay.snapshot.context;
  if (replay.snapshot.matches('checking')) return { type: 'peek', roomId };
  return replay.snapshot.matches('rejoining') ? { type: 'join', roomId: joinedRoom!, resume: resumeToken! } : intent;
}

/** Replays `path`, checking after every step what a person in the call could notice. */
async function replayAndCheck(path: CallPath): Promise<void> {
  coverage.replayed.add(path);
  const replay = new CallReplay(inspect);
  const start = check(replay, path.start, false);
  expect(start.observed, 'at the start').toEqual(start.expected);
  let intent: ClientMessage = { type: 'create' };
  let camera = false;
  // Whether the socket that checked the link's room is still open for the join.
  let socketKept = false;
  // Attempts to get the seat back that failed since the socket was lost.
  let failedAttempts = 0;
  // Signals our peers made while the socket was down, for the peers they are meant for.
  let held: Array<{ to: string; data: { candidate: RTCIceCandidateInit | null } }> = [];
  for (const [index, move] of path.moves.entries()) {
    const step = `step ${index + 1}: ${path.labels[index]!.type}`;
    const before = replay.snapshot;
    const peerId = 'rank' in move ? before.context.peers[move.rank]?.peerId : undefined;
    const socketsBefore = replay.signaling.sockets.length;
    await replay.step(move);
    const attemptFailed = (move.kind === 'drop' || move.kind === 'timeout') && (before.matches({ rejoining: 'connecting' }) || before.matches({ rejoining: 'requesting' }));
    failedAttempts = replay.snapshot.matches('rejoining') || replay.snapshot.matches('failed') ? failedAttempts + Number(attemptFailed) : 0;
    if (move.kind === 'media-ready' || (move.kind === 'media-added' && move.source === 'camera')) camera = true;
    if ((['lobby', 'checking', 'media', 'ended', 'failed'] as const).some((state) => replay.snapshot.matches(state))) camera = false;
    if (move.kind === 'room-open') socketKept = true;
    if (move.kind === 'drop' || !(['media', 'prejoin', 'joining'] as const).some((state) => replay.snapshot.matches(state))) socketKept = false;
    const { observed, expected } = check(replay, path.keys[index]!, camera, path.kind === 'simple', socketKept);
    expect(observed, step).toEqual(expected);
    const sent = replay.signaling.sockets.at(-1)?.sent ?? [];
    if (move.kind === 'ui' && move.event.type === 'ui.create') intent = { type: 'create' };
    if (move.kind === 'ui' && (move.event.type === 'ui.join' || move.event.type === 'ui.open')) intent = { type: 'join', roomId };
    // Each try waits as the reconnect policy says for the tries that failed; past its budget the
    // call goes on trying slowly while a peer's handshake is left, and gives up without one.
    const wait = reconnectDelay(failedAttempts);
    const peerLeft = replay.words().some((word) => word !== 'failed');
    if (replay.snapshot.matches({ rejoining: 'waiting' })) {
      expect(replay.clock.nextIn(), `${step}: the wait before the next try`).toBe(wait ?? defaultReconnectPolicy.slowDelay);
    }
    if (wait === null && !peerLeft) expect(replay.snapshot.context.error?.code, `${step}: out of tries`).toBe('signaling-lost');
    if (wait === null && peerLeft) expect(replay.snapshot.matches('rejoining') || replay.snapshot.matches('ended'), `${step}: still trying`).toBe(true);
    if (move.kind === 'welcome') expect(sent[0], `${step}: the request`).toEqual(requestFor(replay, intent));
    // Entering from a link whose socket is still open: the join goes on it, no second connection.
    if (socketKept && replay.snapshot.matches({ joining: 'requesting' })) {
      expect(replay.signaling.sockets.length, `${step}: no new socket`).toBe(socketsBefore);
      expect(sent.at(-1), `${step}: the join on the kept socket`).toEqual(intent);
      socketKept = false;
    }
    if (move.kind === 'ui' && move.event.type === 'ui.hangUp' && seated.some((state) => before.matches(state))) {
      expect(sent.at(-1), `${step}: the seat is given back`).toEqual({ type: 'leave' });
    }
    if (move.kind === 'peer-signal') {
      const signal = { to: peerId!, data: { candidate: replay.lastCandidate } };
      if (before.matches('inCall')) expect(sent.at(-1), `${step}: relayed at once`).toEqual({ type: 'signal', ...signal });
      else held.push(signal);
    }
    if (move.kind === 'resumed' || move.kind === 'rejoined-as-new') {
      const present = new Set(replay.snapshot.context.peers.map((peer) => peer.peerId));
      const relayed = sent.filter((message) => message.type === 'signal' && 'candidate' in message.data);
      const owed = move.kind === 'resumed' ? held.filter((signal) => present.has(signal.to)) : [];
      expect(relayed, `${step}: signals held while away`).toEqual(owed.map((signal) => ({ type: 'signal', ...signal })));
    }
    if (!replay.snapshot.matches('rejoining')) held = [];
  }
}

// A set with no path fails the coverage test below rather than leaving an empty suite.
for (const { kind, paths } of pathSets.filter((set) => set.paths.length > 0)) {
  describe(`call machine model: ${kind} paths`, () => {
    for (const path of paths) it(pathName(path.labels), () => replayAndCheck(path));
  });
}

describe('call machine model: coverage', () => {
  it('reaches every state and takes every transition of the machine on some generated path', async () => {
    for (const path of pathSets.flatMap(({ paths }) => paths).filter((path) => !coverage.replayed.has(path))) {
      const replay = new CallReplay(inspect);
      for (const move of path.moves) await replay.step(move);
    }
    const { recorder } = coverage;
    const definitions = transitionsOf(callMachine);
    const untaken = definitions.filter((name) => !recorder.transitions.has(name));
    const states = statesOf(callMachine);
    console.info(
      `callMachine model paths: ${pathSets.map(({ kind, paths }) => `${kind} ${paths.length}`).join(', ')}; ` +
        `states ${states.filter((id) => recorder.states.has(id)).length}/${states.length}, transitions ${definitions.length - untaken.length}/${definitions.length}`,
    );
    expect(pathSets.filter((set) => set.paths.length === 0).map((set) => set.kind), 'path sets with no path').toEqual([]);
    expect(recorder.missing(callMachine)).toEqual({ states: [], transitions: [] });
  });
});
