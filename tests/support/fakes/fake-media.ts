/**
 * Stand-ins for MediaStream and MediaStreamTrack in Node: enough for the machines (kinds,
 * `enabled`, `stop()`), and they record what was done to them so tests can assert it.
 */

/**
 * A track that remembers whether it was stopped. Like a MediaStreamTrack it is an event
 * target: `endByItself()` fires `ended` as a browser does for an unplugged device, never `stop()`.
 */
export class FakeTrack extends EventTarget {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';

  constructor(
    readonly id: string,
    readonly kind: 'audio' | 'video',
  ) {
    super();
  }

  stop(): void {
    this.readyState = 'ended';
  }

  /** The device went away (unplugged, permission revoked): the track ends and says so. */
  endByItself(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

/** A stream over fake tracks. */
export class FakeStream {
  constructor(
    readonly id: string,
    readonly tracks: FakeTrack[],
  ) {}

  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }

  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((track) => track.kind === 'audio');
  }

  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((track) => track.kind === 'video');
  }

  addTrack(track: FakeTrack): void {
    if (!this.tracks.includes(track)) this.tracks.push(track);
  }

  removeTrack(track: FakeTrack): void {
    const index = this.tracks.indexOf(track);
    if (index >= 0) this.tracks.splice(index, 1);
  }

  /** The same object, typed as the browser type the machines expect. */
  asMediaStream(): MediaStream {
    return this as unknown as MediaStream;
  }
}

/** A fresh stream with a microphone and/or camera track. */
export function createFakeStream(name: string, kinds: { audio: boolean; video: boolean }): FakeStream {
  const tracks: FakeTrack[] = [];
  if (kinds.audio) tracks.push(new FakeTrack(`${name}-mic`, 'audio'));
  if (kinds.video) tracks.push(new FakeTrack(`${name}-camera`, 'video'));
  return new FakeStream(name, tracks);
}

/** The fake behind a MediaStream the machines hold. */
export function fakeStreamOf(stream: MediaStream | null | undefined): FakeStream | null {
  return stream ? (stream as unknown as FakeStream) : null;
}
