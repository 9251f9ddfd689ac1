import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallPage } from '../../web/lib/call-page.svelte.ts';
import { roomId, startCall, type CallHarnessOptions } from '../support/fakes/start-call.ts';

const origin = 'https://parley.example';

/** A CallPage over the call machine with fake devices, socket and connections. */
function open(options: CallHarnessOptions & { path?: string } = {}) {
  const call = startCall(options);
  const location = { origin, pathname: options.path ?? '/' };
  const history = {
    replaceState: vi.fn((_state: unknown, _title: string, path?: string | URL | null) => {
      location.pathname = String(path);
    }),
  };
  const clipboard = { writeText: vi.fn(async (_text: string) => {}) };
  const page = new CallPage({ actor: call.actor, location, history, clipboard });
  page.start();
  return { call, page, location, history, clipboard };
}

let opened: ReturnType<typeof open> | undefined;
function track(value: ReturnType<typeof open>) {
  opened = value;
  return value;
}

afterEach(() => {
  opened?.page.stop();
  opened = undefined;
  vi.useRealTimers();
});

describe('call page', () => {
  describe('happy path', () => {
    it('shows the room link and puts the room in the address bar once the room is created', async () => {
      const { call, page, location } = track(open());
      page.create();
      expect(page.view).toBe('call');
      await call.enter();

      expect(page.link).toBe(`${origin}/r/${roomId}`);
      expect(location.pathname).toBe(`/r/${roomId}`);
      expect(call.signaling.last.sentTypes()).toEqual(['create']);
    });

    it('opens the room named by the address: checks it, shows the pre-join screen, then joins under the typed name', async () => {
      const { call, page } = track(open({ path: `/r/${roomId}` }));
      expect(page.view).toBe('prejoin');
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'peek', roomId }]);
      call.signaling.last.receive({ type: 'room', roomId, capacity: 4, peers: 1 });
      await call.reach('prejoin');
      expect(page.readyToJoin).toBe(true);
      expect(page.localStream).not.toBeNull();

      page.name.set('  Bo ');
      page.joinCall();
      await call.reach('joining');
      // On the socket that checked the room: no second connection.
      expect(call.signaling.sockets).toHaveLength(1);
      expect(call.signaling.last.sent).toEqual([{ type: 'peek', roomId }, { type: 'join', roomId, name: 'Bo' }]);
    });

    it('creates a room of the chosen size under the remembered name', async () => {
      const storage = new Map<string, string>([['parley.name', 'Ana']]);
      const call = startCall();
      const page = new CallPage({
        actor: call.actor,
        location: { origin, pathname: '/' },
        storage: { getItem: (key) => storage.get(key) ?? null, setItem: (key, value) => void storage.set(key, value) },
      });
      page.start();
      expect(page.name.value).toBe('Ana');
      page.roomSize = 5;
      page.create();
      await call.reach('joining');
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'create', capacity: 5, name: 'Ana' }]);
      page.name.set('Ana B');
      expect(storage.get('parley.name')).toBe('Ana B');
      page.stop();
    });

    it('lists a person who arrives with their handshake state and drops them when they leave', async () => {
      const { call, page } = track(open());
      page.create();
      await call.enter();

      call.signaling.last.receive({ type: 'peer-joined', peerId: 'peer-b' });
      expect(page.peers.map(({ id, handshake }) => ({ id, handshake }))).toEqual([{ id: 'peer-b', handshake: 'idle' }]);
      expect(page.peerActors.map(({ id }) => id)).toEqual(['peer-b']);

      call.signaling.last.receive({ type: 'peer-left', peerId: 'peer-b' });
      expect(page.peers).toEqual([]);
    });

    it('says "copied" after copying the link, then stops saying it', async () => {
      const { call, page, clipboard } = track(open());
      page.create();
      await call.enter();
      vi.useFakeTimers();

      await page.copyLink();
      expect(clipboard.writeText).toHaveBeenCalledWith(`${origin}/r/${roomId}`);
      expect(page.copyResult).toBe('copied');

      vi.advanceTimersByTime(2_000);
      expect(page.copyResult).toBeNull();
    });

    it('shows the end screen after hanging up and the lobby at / after going back', async () => {
      const { call, page, location } = track(open());
      page.create();
      await call.enter();

      page.hangUp();
      expect(page.view).toBe('ended');
      expect(location.pathname).toBe('/');
      page.backToLobby();
      expect(page.view).toBe('lobby');
    });
  });

  describe('failure', () => {
    it('offers to join receiving only when the camera is blocked', async () => {
      const { call, page } = track(open({ camera: 'denied', mic: 'denied' }));
      page.create();
      await call.reach({ media: 'blocked' });

      expect(page.view).toBe('blocked');
      expect(page.errorCode).toBe('media-denied');

      page.receiveOnly();
      expect(page.view).toBe('call');
      expect(page.errorCode).toBeNull();
    });

    it('says a full room before asking for the camera, keeps the room in the address, and can try again', async () => {
      const { call, page, location } = track(open({ path: `/r/${roomId}` }));
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'error', code: 'room-full', message: 'full', ref: 'peek' });

      expect(page.view).toBe('lobby');
      expect(page.errorCode).toBe('room-full');
      expect(page.canRetry).toBe(true);
      expect(call.devices.requests).toEqual([]);
      expect(location.pathname).toBe(`/r/${roomId}`);
      expect(page.roomIdAsked).toBe(roomId);

      page.retry();
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'peek', roomId }]);
    });

    it('does not offer to try a room that does not exist again', async () => {
      const { call, page } = track(open());
      page.join('no-such-room');
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'error', code: 'room-not-found', message: 'no room', ref: 'peek' });

      expect(page.errorCode).toBe('room-not-found');
      expect(page.canRetry).toBe(false);
    });

    it('says ice-failed while a peer\'s connection finds no path and is retried, and no more once it connects', async () => {
      const { call, page } = track(open());
      page.create();
      await call.enter(['alice-peer']);
      call.connections.last.emit({ type: 'pc.connectionState', state: 'failed' });
      expect(page.errorCode).toBe('ice-failed');
      expect(page.view).toBe('call');

      call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      expect(page.errorCode).toBeNull();
    });

    it('keeps showing the same peers while their handshake moves without changing what is shown', async () => {
      const { call, page } = track(open());
      page.create();
      await call.enter(['alice-peer']);
      const shown = page.peers;
      const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
      call.signaling.last.receive({ type: 'signal', from: 'alice-peer', data: { candidate } });
      call.connections.last.emit({ type: 'pc.candidate', candidate });
      expect(page.peers).toBe(shown);

      call.connections.last.emit({ type: 'pc.connectionState', state: 'failed' });
      expect(page.peers).not.toBe(shown);
      expect(page.peers.map(({ handshake }) => handshake)).toEqual(['failed']);
    });

    it('says the copy failed when the clipboard refuses', async () => {
      const { call, page, clipboard } = track(open());
      page.create();
      await call.enter();
      clipboard.writeText.mockRejectedValueOnce(new DOMException('denied', 'NotAllowedError'));

      await page.copyLink();

      expect(page.copyResult).toBe('failed');
    });
  });
});
