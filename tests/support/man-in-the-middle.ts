import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RTCAudioData, RTCVideoFrame } from '@roamhq/wrtc/types/nonstandard.d.ts';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { isLoopbackCandidate } from './node-peer.ts';
import { peerChannel } from '../../protocol/peer-messages.ts';
import wrtc from './wrtc.ts';

const { RTCPeerConnection, MediaStream } = wrtc;
const { RTCVideoSource, RTCAudioSource, RTCVideoSink, RTCAudioSink } = wrtc.nonstandard;

type Signal = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit | null } | { wantOffer: true };
type Send = (signal: Signal) => void;

/** Only loopback host candidates, in the trickle and in descriptions: the test's media stays on 127.0.0.1. */
function loopbackOnly(description: RTCSessionDescriptionInit): RTCSessionDescriptionInit {
  const lines = (description.sdp ?? '').split('\r\n').filter((line) => !line.startsWith('a=candidate:') || isLoopbackCandidate({ candidate: line.slice(2) }));
  return { type: description.type, sdp: lines.join('\r\n') };
}

/**
 * One of the man's two connections: it poses as the other person to one page. What it receives
 * (video frames, sound, data channel messages) goes out on its partner, to the other page.
 */
class Leg {
  readonly pc: RTCPeerConnection;
  partner: Leg | undefined;
  /** Video frames and sound chunks passed on to the partner's page. */
  relayed = 0;
  private readonly video = new RTCVideoSource();
  private readonly audio = new RTCAudioSource();
  private readonly channel: RTCDataChannel;
  private readonly stops: Array<() => void> = [];
  private early: Array<RTCIceCandidateInit | null> = [];
  private queue: Promise<void> = Promise.resolve();
  private described = false;

  constructor(private readonly send: Send) {
    this.pc = new RTCPeerConnection({ iceServers: [] });
    const stream = new MediaStream();
    for (const track of [this.audio.createTrack(), this.video.createTrack()]) {
      this.pc.addTrack(track, stream);
      this.stops.push(() => track.stop());
    }
    // The page's own data channel (negotiated, same id), relayed to the other page.
    this.channel = this.pc.createDataChannel(peerChannel.label, { negotiated: true, id: peerChannel.id });
    this.channel.onmessage = ({ data }) => this.partner?.say(String(data));
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate === null || isLoopbackCandidate(candidate.toJSON())) send({ candidate: candidate?.toJSON() ?? null });
    };
    this.pc.ontrack = ({ track }) => this.relay(track);
  }

  /** Applies one signal from the page, after every earlier one. */
  handle(signal: Signal): Promise<void> {
    this.queue = this.queue.then(() => this.apply(signal)).catch(() => {});
    return this.queue;
  }

  /** Makes an offer to the page, as the other person would. */
  offer(): Promise<void> {
    this.queue = this.queue.then(() => this.offerNow());
    return this.queue;
  }

  /** Whether it has set a description of its own (an offer or an answer). */
  get offered(): boolean {
    return this.described;
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.pc.close();
  }

  private say(text: string): void {
    if (this.channel.readyState === 'open') this.channel.send(text);
  }

  private async apply(signal: Signal): Promise<void> {
    if ('wantOffer' in signal) {
      if (this.pc.signalingState === 'stable') await this.offerNow();
      return;
    }
    if ('candidate' in signal) {
      if (this.pc.remoteDescription === null) this.early.push(signal.candidate);
      else await this.pc.addIceCandidate(signal.candidate as RTCIceCandidateInit);
      return;
    }
    await this.pc.setRemoteDescription(signal.description);
    if (signal.description.type === 'offer') {
      await this.setAndSend(await this.pc.createAnswer());
    }
    for (const candidate of this.early.splice(0)) await this.pc.addIceCandidate(candidate as RTCIceCandidateInit);
  }

  private async offerNow(): Promise<void> {
    await this.setAndSend(await this.pc.createOffer());
  }

  /**
   * Sets and sends a description; the one made, not `localDescription`, which node-webrtc
   * serialises while its signaling thread adds gathered candidates to it, and crashed now and
   * then (node-webrtc/node-webrtc#696).
   */
  private async setAndSend(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setLocalDescription(description);
    this.described = true;
    this.send({ description: loopbackOnly(description) });
  }

  /** Passes what one page sends on to the other page, frame by frame. */
  private relay(track: MediaStreamTrack): void {
    if (track.kind === 'video') {
      const sink = new RTCVideoSink(track);
      sink.onframe = ({ frame }: { frame: RTCVideoFrame }) => {
        this.partner?.video.onFrame(frame);
        this.relayed++;
      };
      this.stops.push(() => sink.stop());
    } else {
      const sink = new RTCAudioSink(track);
      sink.ondata = (data: RTCAudioData) => {
        this.partner?.audio.onData(data);
        this.relayed++;
      };
      this.stops.push(() => sink.stop());
    }
  }
}

/**
 * A man in the middle for tests: an HTTP and WebSocket proxy in front of the signaling server
 * that reads every signal two pages exchange and never passes one on. Instead, a Node WebRTC
 * peer (`@roamhq/wrtc`) answers each page with a connection of its own, posing as the other
 * person, and relays pictures, sound and data channel messages between the two connections.
 * Both pages see a working call; only the DTLS fingerprints (the verification code) tell.
 * Open the page at `origin` (loopback only).
 */
export class ManInTheMiddle {
  /** Each page's socket to write to, by the peer id the server gave it. */
  private readonly pages = new Map<string, WebSocket>();
  /** The man's connection posing as `to` towards `from`, by `${from}>${to}`. */
  private readonly legs = new Map<string, Leg>();
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
  ) {}

  /** Starts a proxy in front of the server at `target` (its http origin), on a free loopback port. */
  static async start(target: string): Promise<ManInTheMiddle> {
    const server = createServer();
    const man = new ManInTheMiddle(server, new URL(target));
    const sockets = new WebSocketServer({ noServer: true });
    server.on('request', (incoming, outgoing) => {
      const upstream = request({ host: man.target.hostname, port: man.target.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    });
    server.on('upgrade', (incoming, socket, head) => {
      sockets.handleUpgrade(incoming, socket, head, (page) => man.connect(page, incoming.url ?? '/ws'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return man;
  }

  /** `http://127.0.0.1:<port>`: open the page here to have the man in between. */
  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Video frames and sound chunks the man passed on, both ways. */
  get relayed(): number {
    return [...this.legs.values()].reduce((sum, leg) => sum + leg.relayed, 0);
  }

  async close(): Promise<void> {
    for (const leg of this.legs.values()) leg.close();
    for (const socket of this.sockets) socket.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Pairs a page's socket with one to the server; signals stop here, everything else passes. */
  private connect(page: WebSocket, path: string): void {
    const upstream = new WebSocket(new URL(path, this.target.origin.replace(/^http/, 'ws')));
    this.sockets.add(page).add(upstream);
    const held: RawData[] = [];
    let self: string | undefined;
    upstream.on('open', () => {
      for (const data of held.splice(0)) upstream.send(data, { binary: false });
    });
    upstream.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; peerId?: string };
      if (message.type === 'joined' && message.peerId) {
        self = message.peerId;
        this.pages.set(self, page);
      }
      page.send(String(data));
    });
    page.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; to?: string; data?: Signal };
      if (message.type === 'signal' && self !== undefined && message.to && message.data) return void this.intercept(self, message.to, message.data);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(String(data));
      else held.push(data);
    });
    page.on('close', () => upstream.close());
    upstream.on('close', () => page.close());
  }

  /** A signal from page `from` to page `to`: the man's leg posing as `to` takes it. */
  private async intercept(from: string, to: string, signal: Signal): Promise<void> {
    const leg = this.legOf(from, to);
    await leg.handle(signal);
    // Their first offer: the man offers to the other page in their name.
    const other = this.legOf(to, from);
    if ('description' in signal && signal.description.type === 'offer' && !other.offered) await other.offer();
  }

  private legOf(from: string, to: string): Leg {
    let leg = this.legs.get(`${from}>${to}`);
    if (!leg) {
      leg = new Leg((signal) => this.pages.get(from)?.send(JSON.stringify({ type: 'signal', from: to, data: signal })));
      this.legs.set(`${from}>${to}`, leg);
      const partner = this.legs.get(`${to}>${from}`);
      if (partner) [leg.partner, partner.partner] = [partner, leg];
    }
    return leg;
  }
}
