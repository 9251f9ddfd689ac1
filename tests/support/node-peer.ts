import wrtc from './wrtc.ts';

const { RTCPeerConnection, MediaStream } = wrtc;
const { RTCVideoSource, RTCAudioSource, RTCVideoSink, RTCAudioSink } = wrtc.nonstandard;

/** A signal's `data` as docs/protocol.md describes it: a description, or a candidate (`null` = end of candidates). */
export type PeerSignal = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit | null };

/** What a peer has received from the other side so far. */
export interface ReceivedMedia {
  videoFrames: number;
  /** Size of the last decoded video frame. */
  width: number;
  height: number;
  audioChunks: number;
  audioSamples: number;
  /** Data-channel messages, in order. */
  messages: string[];
}

/** How the peer's ICE candidates went, for tests of trickle ICE. */
export interface CandidateLog {
  /** Local candidates handed to `send`. */
  sent: number;
  /** Remote candidates applied at once, the remote description being set. */
  appliedAtOnce: number;
  /** Remote candidates that came before the remote description and were applied after it. */
  appliedFromQueue: number;
  /** Whether the remote end-of-candidates (`null`) came and was applied. */
  remoteEnded: boolean;
}

/** Settings of a node peer. */
export interface NodePeerOptions {
  /** From the server's `joined`. */
  iceServers: RTCIceServer[];
  /** Sends one signal's data to the remote peer through the signaling server. */
  send(signal: PeerSignal): void;
  /** Which local candidates to share (all by default); tests keep loopback ones. */
  shareCandidate?(candidate: RTCIceCandidateInit): boolean;
  /** Synthetic video size; 0 sends no media at all. */
  video?: { width: number; height: number; fps: number };
}

/** True for a host candidate on 127.0.0.1, so a test's media stays on IPv4 loopback. */
export function isLoopbackCandidate(candidate: RTCIceCandidateInit): boolean {
  return (candidate.candidate ?? '').split(' ')[4] === '127.0.0.1';
}

interface VideoFrameEvent {
  frame: { width: number; height: number };
}
interface AudioDataEvent {
  samples: Int16Array;
}

/**
 * A real WebRTC peer in Node (`@roamhq/wrtc`) for tests and benchmarks: it sends synthetic
 * video and audio, records what it receives through sinks, and speaks docs/protocol.md's signal
 * data — trickle ICE with `candidate.toJSON()` and a `null` end of candidates; candidates that
 * come before the remote description are queued, never dropped. One peer talks to one remote.
 * Signals are applied one at a time, in arrival order.
 */
export class NodePeer {
  readonly connection: RTCPeerConnection;
  readonly received: ReceivedMedia = { videoFrames: 0, width: 0, height: 0, audioChunks: 0, audioSamples: 0, messages: [] };
  readonly candidates: CandidateLog = { sent: 0, appliedAtOnce: 0, appliedFromQueue: 0, remoteEnded: false };
  private channel: RTCDataChannel | undefined;
  /** Candidates shared since the last end of candidates was sent. */
  private sharedSinceEnd = 0;
  private early: Array<RTCIceCandidateInit | null> = [];
  private applying: Promise<void> = Promise.resolve();
  private readonly stops: Array<() => void> = [];

  constructor(private readonly options: NodePeerOptions) {
    const connection = new RTCPeerConnection({ iceServers: options.iceServers });
    this.connection = connection;
    connection.onicecandidate = ({ candidate }) => {
      // node-webrtc reports the end of gathering more than once, and an answerer's first report
      // can come before its candidates: an end is sent only after candidates it ends.
      if (candidate === null) {
        if (this.sharedSinceEnd > 0) options.send({ candidate: null });
        this.sharedSinceEnd = 0;
        return;
      }
      const init = candidate.toJSON();
      if (!(options.shareCandidate?.(init) ?? true)) return;
      this.candidates.sent++;
      this.sharedSinceEnd++;
      options.send({ candidate: init });
    };
    connection.ontrack = ({ track }) => this.watch(track);
    connection.ondatachannel = ({ channel }) => this.adopt(channel);
    if (options.video !== undefined) this.startMedia(options.video);
  }

  /** Opens the data channel; the offering side calls it before `offer()`. */
  openChannel(label: string): void {
    this.adopt(this.connection.createDataChannel(label));
  }

  /** Makes an offer and sends it (the newcomer's part, docs/protocol.md). */
  async offer(): Promise<void> {
    const offer = await this.connection.createOffer();
    await this.connection.setLocalDescription(offer);
    this.sendDescription(offer);
  }

  /** Applies one signal from the remote peer, after every earlier one. */
  handle(signal: PeerSignal): Promise<void> {
    this.applying = this.applying.then(() => this.apply(signal));
    return this.applying;
  }

  /** Sends text on the data channel once it is open. */
  say(text: string): void {
    if (this.channel?.readyState !== 'open') throw new Error('the data channel is not open');
    this.channel.send(text);
  }

  /** True once the data channel is open. */
  get channelOpen(): boolean {
    return this.channel?.readyState === 'open';
  }

  /** Stops media, sinks and timers, and closes the connection. */
  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.channel?.close();
    this.connection.close();
  }

  /**
   * Sends the description just set, not `localDescription`: node-webrtc serialises that while
   * its signaling thread adds gathered candidates to it, and crashed now and then
   * (node-webrtc/node-webrtc#696). Candidates in it that `shareCandidate` refuses are taken
   * out, as they are from the trickle.
   */
  private sendDescription({ type, sdp = '' }: RTCSessionDescriptionInit): void {
    const share = this.options.shareCandidate ?? (() => true);
    const lines = sdp.split('\r\n').filter((line) => !line.startsWith('a=candidate:') || share({ candidate: line.slice(2) }));
    this.options.send({ description: { type, sdp: lines.join('\r\n') } });
  }

  private async apply(signal: PeerSignal): Promise<void> {
    if ('description' in signal) {
      await this.connection.setRemoteDescription(signal.description);
      if (signal.description.type === 'offer') {
        const answer = await this.connection.createAnswer();
        await this.connection.setLocalDescription(answer);
        this.sendDescription(answer);
      }
      for (const candidate of this.early.splice(0)) {
        await this.addCandidate(candidate);
        if (candidate !== null) this.candidates.appliedFromQueue++;
      }
      return;
    }
    if (this.connection.remoteDescription === null) {
      this.early.push(signal.candidate);
      return;
    }
    await this.addCandidate(signal.candidate);
    if (signal.candidate !== null) this.candidates.appliedAtOnce++;
  }

  private async addCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    // `null` is the remote end of candidates.
    await this.connection.addIceCandidate(candidate as RTCIceCandidateInit);
    if (candidate === null) this.candidates.remoteEnded = true;
  }

  private adopt(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.onmessage = ({ data }) => this.received.messages.push(String(data));
  }

  /** Sends a moving grey ramp as I420 video and a 440 Hz tone as 48 kHz mono audio. */
  private startMedia({ width, height, fps }: { width: number; height: number; fps: number }): void {
    const stream = new MediaStream();
    const video = new RTCVideoSource();
    const audio = new RTCAudioSource();
    const videoTrack = video.createTrack();
    const audioTrack = audio.createTrack();
    this.connection.addTrack(videoTrack, stream);
    this.connection.addTrack(audioTrack, stream);
    const frame = new Uint8ClampedArray(width * height * 1.5);
    let tick = 0;
    const videoTimer = setInterval(() => {
      frame.fill(tick++ % 256, 0, width * height);
      frame.fill(128, width * height);
      video.onFrame({ width, height, data: frame as unknown as Uint8Array });
    }, 1000 / fps);
    const samples = new Int16Array(480);
    let phase = 0;
    const audioTimer = setInterval(() => {
      for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * phase++) / 48_000));
      audio.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length });
    }, 10);
    this.stops.push(() => {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      videoTrack.stop();
      audioTrack.stop();
    });
  }

  /** Counts what a remote track delivers, through a sink stopped on close. */
  private watch(track: MediaStreamTrack): void {
    if (track.kind === 'video') {
      const sink = new RTCVideoSink(track);
      sink.onframe = ({ frame }: VideoFrameEvent) => {
        this.received.videoFrames++;
        this.received.width = frame.width;
        this.received.height = frame.height;
      };
      this.stops.push(() => sink.stop());
    } else {
      const sink = new RTCAudioSink(track);
      sink.ondata = ({ samples }: AudioDataEvent) => {
        this.received.audioChunks++;
        this.received.audioSamples += samples.length;
      };
      this.stops.push(() => sink.stop());
    }
  }
}
