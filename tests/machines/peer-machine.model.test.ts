import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { handshakeStateOf, handshakeStates } from '../../machines/peer/handshake-state.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import { CoverageRecorder, pathName, runningChildren, statesOf, transitionsOf } from '../support/model-coverage.ts';
import { PeerReplay, peerKey, peerPaths, peerSetups, type PeerPath } from '../support/peer-model.ts';

const pathSets = (['shortest', 'simple'] as const).flatMap((kind) => peerSetups.map((setup) => ({ kind, setup, paths: peerPaths(kind, setup) })));

/**
 * Coverage over every replay of every path: each path's test feeds it, and the coverage test
 * replays (unchecked) only the paths whose test did not run, e.g. under a name filter.
 */
const coverage = {
  recorder: new CoverageRecorder(),
  replayed: new Set<PeerPath>(),
};
const inspect = (event: InspectionEvent): void => {
  coverage.recorder.inspect(event);
};

/** Kinds of media a remote peer gets from us: tracks we send, or transceivers asking to receive. */
const kinds = ['audio', 'video'] as const;

/** What a user of the handshake could notice after a step, next to what it must be. */
function check(replay: PeerReplay, key: string) {
  const snapshot = replay.snapshot;
  const { context, status } = snapshot;
  const pc = replay.connection;
  const word = handshakeStateOf(snapshot);
  const active = snapshot.matches('active');
  const connected = snapshot.matches({ active: { connection: 'connected' } });
  // Handshakes under way run one timer; so does an answerer waiting for its offer.
  const timed = ['offering', 'answering', 'reconnecting'].includes(word) || snapshot.matches('idle') || snapshot.matches({ active: { connection: 'failed' } });
  const sent = replay.signals.flatMap((signal) => ('description' in signal ? [signal.description] : []));
  const attached = pc?.attachedTracks ?? new Set<string>();
  const ownTracks = [...(replay.localStream?.getTracks() ?? []), ...(replay.screen?.getTracks() ?? [])];
  const offered = sent.some((description) => description.type === 'offer');
  const answering = (['applyingOffer', 'makingAnswer'] as const).some((state) => snapshot.matches({ active: { negotiation: state } })) || context.remoteOffer !== null;
  const firstTry = word === 'answering' ? word : 'offering';
  const networkWord = replay.network === 'connected' ? 'connected' : replay.everConnected ? 'reconnecting' : replay.gaveUp ? 'failed' : firstTry;
  const observed = {
    state: peerKey(snapshot),
    unknownWord: handshakeStates.includes(word) ? [] : [word],
    connections: replay.connections.length,
    connectionOpen: pc !== null && !pc.closed,
    // Who offers first is the newcomer: the answerer's first description is its answer.
    answererOfferedFirst: context.role === 'answerer' && sent[0]?.type === 'offer',
    running: runningChildren(snapshot),
    timers: replay.clock.pending,
    refusedByConnection: replay.refused,
    // Candidates are applied in arrival order, and only once a remote description is in place.
    candidates: status === 'active' ? [...(pc?.candidates ?? []), ...context.pendingCandidates] : replay.remoteCandidates,
    queuedAfterDescription: (context.hasRemoteDescription || replay.remoteApplied) && context.pendingCandidates.length > 0,
    // The page says connected exactly while the network is, and reconnecting once it dropped.
    wordForNetwork: active && pc !== null ? `${replay.network}: ${word}` : undefined,
    // A remote offer is answered, unless it collided with ours on the impolite side.
    offerLeftUnanswered: status === 'active' && replay.owesAnswer && !answering,
    // Every description sent was set locally first; every one carries our tracks.
    sentUnset: sent.filter((description) => !replay.madeDescriptions.some((made) => made.sdp === description.sdp)),
    tracksNotSent: sent.length > 0 ? ownTracks.filter((track) => !attached.has(track.id)).map((track) => track.id) : [],
    kindsNeitherSentNorAsked: offered && context.role === 'offerer'
      ? kinds.filter((kind) => !ownTracks.some((track) => track.kind === kind) && !pc?.receiveKinds.has(kind))
      : [],
    connected: connected ? { remoteDescription: pc?.remoteDescription != null, remoteTracks: (context.remoteStream?.getTracks().length ?? 0) > 0 } : undefined,
    over: status === 'done' ? { word, error: context.error?.code ?? null } : undefined,
    // The remote peer hears our switches while the data channel is open, and we show theirs.
    toldPeer: snapshot.matches({ active: { channel: 'open' } }) ? pc?.sentMessages.findLast((message) => message.type === 'status') : undefined,
    toldScreen: snapshot.matches({ active: { channel: 'open' } }) ? pc?.sentMessages.findLast((message) => message.type === 'screen') : undefined,
    // A screen no longer shared is no longer sent.
    screenSent: active ? [...(pc?.screenTracks ?? [])] : undefined,
    remoteStatus: context.remoteStatus,
    candidateError: context.candidateError,
    // A first connection that failed says so while it is retried, and no more once it connects.
    error: active ? (context.error?.code ?? null) : undefined,
    // Each video sender is limited as the call last said, and sends the track last chosen.
    sendLimit: status === 'active' ? pc?.sendLimit : undefined,
    replacedTracks: active ? pc?.replacedTracks : undefined,
    // The connection gathers with the ICE servers last handed out (fresh TURN credentials after a resume).
    iceServers: status === 'active' ? pc?.iceServers : context.iceServers,
  };
  const over = snapshot.matches('failed') ? 'failed' : snapshot.matches('closed') ? 'closed' : null;
  const expected = {
    state: key,
    unknownWord: [],
    // One RTCPeerConnection per handshake, made as the machine starts (an answerer has it
    // ready for the offer) and closed when it ends.
    connections: 1,
    connectionOpen: over === null,
    answererOfferedFirst: false,
    running: over === null ? ['pc'] : [],
    timers: timed ? 1 : 0,
    refusedByConnection: [],
    candidates: replay.remoteCandidates,
    queuedAfterDescription: false,
    wordForNetwork: observed.wordForNetwork && `${replay.network}: ${networkWord}`,
    offerLeftUnanswered: false,
    sentUnset: [],
    tracksNotSent: [],
    kindsNeitherSentNorAsked: [],
    connected: connected ? { remoteDescription: true, remoteTracks: true } : undefined,
    over: over === null ? undefined : { word: over, error: over === 'failed' ? 'ice-failed' : null },
    toldPeer: snapshot.matches({ active: { channel: 'open' } }) ? { type: 'status', ...replay.status } : undefined,
    toldScreen: snapshot.matches({ active: { channel: 'open' } }) && (replay.screen !== null || replay.screenTold) ? { type: 'screen', streamId: replay.screen?.id ?? '' } : undefined,
    screenSent: active ? (sent.length > 0 || attached.size > 0 ? (replay.screen?.getTracks() ?? []).map((track) => track.id) : []) : undefined,
    remoteStatus: replay.remoteSaid,
    candidateError: replay.candidateError,
    error: active ? (replay.gaveUp && !replay.everConnected ? 'ice-failed' : null) : undefined,
    sendLimit: over === null ? replay.sendLimit : undefined,
    replacedTracks: active ? replay.replacedTracks : undefined,
    iceServers: replay.iceServers,
  };
  return { observed, expected };
}

/** Replays `path`, checking after every step what a user of the handshake could notice. */
function replayAndCheck(path: PeerPath): void {
  coverage.replayed.add(path);
  const replay = new PeerReplay(path.setup, inspect);
  const start = check(replay, path.start);
  expect(start.observed, 'at the start').toEqual(start.expected);
  path.events.forEach((event, index) => {
    replay.step(event);
    const { observed, expected } = check(replay, path.keys[index]!);
    expect(observed, `step ${index + 1}: ${path.labels[index]!.type}`).toEqual(expected);
  });
}

// A set with no path fails the coverage test below rather than leaving an empty suite.
for (const { kind, setup, paths } of pathSets.filter((set) => set.paths.length > 0)) {
  describe(`peer machine model: ${kind} paths, ${setup}`, () => {
    for (const path of paths) it(pathName(path.labels), () => replayAndCheck(path));
  });
}

describe('peer machine model: coverage', () => {
  it('reaches every state and takes every transition of the machine on some generated path', () => {
    for (const path of pathSets.flatMap(({ paths }) => paths).filter((path) => !coverage.replayed.has(path))) {
      const replay = new PeerReplay(path.setup, inspect);
      for (const event of path.events) replay.step(event);
    }
    const { recorder } = coverage;
    const definitions = transitionsOf(peerMachine);
    const untaken = definitions.filter((name) => !recorder.transitions.has(name));
    const counts = (['shortest', 'simple'] as const)
      .map((kind) => `${kind} ${pathSets.filter((set) => set.kind === kind).reduce((sum, set) => sum + set.paths.length, 0)}`)
      .join(', ');
    const states = statesOf(peerMachine);
    console.info(
      `peerMachine model paths: ${counts} (${pathSets.map((set) => `${set.kind}/${set.setup}: ${set.paths.length}`).join(', ')}); ` +
        `states ${states.filter((id) => recorder.states.has(id)).length}/${states.length}, transitions ${definitions.length - untaken.length}/${definitions.length}`,
    );
    expect(pathSets.filter((set) => set.paths.length === 0).map((set) => `${set.kind}/${set.setup}`), 'path sets with no path').toEqual([]);
    expect(recorder.missing(peerMachine)).toEqual({ states: [], transitions: [] });
  });
});
