import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CallView from '../../web/components/CallView.svelte';
import { startInspectedCall, startInspectedPage } from './inspector-call.ts';

let cleanup: Array<() => void> = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
  document.body.replaceChildren();
  vi.restoreAllMocks();
  // Once someone joins, the call view fetches the chat and stats panels in the background;
  // those loads finish before the test environment goes away.
  await Promise.all([import('../../web/components/talk/ChatPanel.svelte'), import('../../web/components/talk/StatsPanel.svelte')]);
});

/**
 * The call view over a call with fakes, recording every stream given to each `<video>`
 * (by test id): re-giving a playing stream restarts its picture, and costs the main thread
 * enough to delay the handshake running beside it.
 */
function renderCall() {
  const given = new Map<string, Array<MediaStream | null>>();
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  const original = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    get(this: HTMLMediaElement & { shownStream?: MediaStream | null }) {
      return this.shownStream ?? null;
    },
    set(this: HTMLMediaElement & { shownStream?: MediaStream | null }, stream: MediaStream | null) {
      const id = this.dataset.testid ?? '';
      given.set(id, [...(given.get(id) ?? []), stream]);
      this.shownStream = stream;
    },
  });
  cleanup.push(() => {
    if (original) Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', original);
    else delete (HTMLMediaElement.prototype as { srcObject?: unknown }).srcObject;
  });
  const call = startInspectedCall();
  const page = startInspectedPage(call);
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(CallView, { target, props: { page } });
  cleanup.push(() => page.stop(), () => unmount(component));
  flushSync();
  return { call, page, given };
}

/** A remote stream as the connection reports it once a track arrived. */
function remoteStream(): MediaStream {
  return { getTracks: () => [], getVideoTracks: () => [], getAudioTracks: () => [] } as unknown as MediaStream;
}

describe('call view videos', () => {
  describe('happy path', () => {
    it('gives the self-view its camera once, however much the call changes around it', async () => {
      const { call, page, given } = renderCall();
      await call.enter();
      flushSync();
      call.connect('peer-b');
      flushSync();
      expect(page.peers.map((peer) => peer.handshake)).toEqual(['connected']);
      expect(page.localStream).not.toBeNull();
      expect(given.get('local-video')).toEqual([page.localStream]);
    });

    it('gives a remote video each new stream once, and nothing between', async () => {
      const { call, page, given } = renderCall();
      await call.enter();
      flushSync();
      call.connect('peer-b');
      flushSync();
      const first = remoteStream();
      call.connections.last.emit({ type: 'pc.track', streamId: 'camera', stream: first });
      flushSync();
      call.connections.last.emit({ type: 'pc.connectionState', state: 'disconnected' });
      flushSync();
      call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      flushSync();
      const second = remoteStream();
      call.connections.last.emit({ type: 'pc.track', streamId: 'camera', stream: second });
      flushSync();
      expect(page.peers.map((peer) => peer.stream)).toEqual([second]);
      expect(given.get('remote-video')).toEqual([first, null, second]);
    });

    it('shows a remote stream, and gives it to the video, once the connection is up, not while the handshake runs', async () => {
      const { call, page, given } = renderCall();
      await call.enter();
      flushSync();
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'peer-b' });
      call.signaling.last.receive({ type: 'signal', from: 'peer-b', data: { description: { type: 'offer', sdp: 'v=0\r\n' } } });
      flushSync();
      const stream = remoteStream();
      call.connections.last.emit({ type: 'pc.track', streamId: 'camera', stream });
      flushSync();
      expect(page.peers.map((peer) => [peer.handshake, peer.stream])).toEqual([['answering', null]]);
      expect(given.get('remote-video') ?? []).toEqual([]);
      call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      flushSync();
      expect(page.peers.map((peer) => [peer.handshake, peer.stream])).toEqual([['connected', stream]]);
      expect(given.get('remote-video')).toEqual([stream]);
      call.connections.last.emit({ type: 'pc.connectionState', state: 'disconnected' });
      flushSync();
      expect(page.peers.map((peer) => [peer.handshake, peer.stream])).toEqual([['reconnecting', stream]]);
      expect(given.get('remote-video')).toEqual([stream]);
    });
  });
});
