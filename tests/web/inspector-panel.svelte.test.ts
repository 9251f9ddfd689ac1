import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { peerMachine } from '../../machines/peer-machine.ts';
import CallView from '../../web/components/CallView.svelte';
import Inspector from '../../web/components/Inspector.svelte';
import { isInspectorShortcut } from '../../web/lib/inspector/inspector-shortcut.ts';
import type { LogExport } from '../../web/lib/inspector/log-export.ts';
import { fakeSdp, startInspectedCall, startInspectedPage } from './inspector-call.ts';

let cleanup: Array<() => void> = [];

afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

/** A page over an inspected call with fakes, and the inspector mounted on it. */
function render(options: { capacity?: number; view?: 'panel' | 'call' } = {}) {
  const call = startInspectedCall({ capacity: options.capacity });
  const page = startInspectedPage(call);
  const target = document.createElement('div');
  document.body.append(target);
  const component =
    options.view === 'call'
      ? mount(CallView, { target, props: { page } })
      : mount(Inspector, {
          target,
          props: {
            call: page.call,
            get peers() {
              return page.peerActors;
            },
            inspection: page.inspection,
          },
        });
  cleanup.push(() => page.stop(), () => unmount(component));
  flushSync();
  const sections = () => [...target.querySelectorAll<HTMLElement>('[data-testid="inspector-peer"]')];
  /** Each peer's state marked `aria-current="true"`, in the panel's order. */
  const marked = () =>
    sections().map((section) => [section.dataset.peerId, [...section.querySelectorAll('[aria-current="true"]')].map((node) => node.textContent)]);
  /** What the page shows as `handshake-state`, newest peer first like the panel. */
  const shown = () => [...page.peers].reverse().map((peer) => [peer.id, [peer.handshake]]);
  return { call, page, target, sections, marked, shown };
}

/** Every state path of a machine, walked here independently of the panel's own walk. */
function allPaths(node: { states: Record<string, { key: string; states: object }> }, prefix = ''): string[] {
  return Object.values(node.states).flatMap((child) => {
    const path = prefix ? `${prefix}.${child.key}` : child.key;
    return [path, ...allPaths(child as typeof node, path)];
  });
}

describe('inspector panel', () => {
  describe('happy path', () => {
    it('draws every state of the handshake machine, nested as the machine defines them', async () => {
      const { call, sections } = render();
      await call.enter();
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'peer-bbbbbbb' });
      flushSync();

      const drawn = [...sections()[0]!.querySelectorAll<HTMLElement>('[data-state]')].map((node) => node.dataset.state);
      expect(drawn).toEqual(allPaths(peerMachine.root));
      expect(drawn).toEqual(expect.arrayContaining(['idle', 'media', 'active.connection.offering', 'active.connection.reconnecting', 'active.negotiation.makingAnswer', 'failed', 'closed']));
      const connected = sections()[0]!.querySelector('[data-state="active.connection.connected"]');
      expect(connected?.closest('[data-state="active.connection"]')?.closest('[data-state="active"]')).not.toBeNull();
    });

    it('marks exactly the state the page shows for the peer, at every step of the handshake', async () => {
      const { call, marked, shown } = render();
      await call.enter();
      const steps: unknown[] = [];
      const check = () => {
        flushSync();
        expect(marked()).toEqual(shown());
        steps.push(shown()[0]?.[1]?.[0]);
      };
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'peer-bbbbbbb' });
      check();
      call.signaling.last.receive({ type: 'signal', from: 'peer-bbbbbbb', data: { description: { type: 'offer', sdp: fakeSdp('offer', 900) } } });
      check();
      call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      check();
      call.connections.last.emit({ type: 'pc.connectionState', state: 'disconnected' });
      check();
      call.connections.last.emit({ type: 'pc.connectionState', state: 'connected' });
      check();
      expect(steps).toEqual(['idle', 'answering', 'connected', 'reconnecting', 'connected']);
    });

    it('outlines the offer/answer region\'s active state without marking it current', async () => {
      const { call, sections } = render();
      await call.enter();
      call.connect('peer-bbbbbbb');
      flushSync();
      const stable = sections()[0]!.querySelector('[data-state="active.negotiation.stable"]');
      expect(stable?.classList.contains('active')).toBe(true);
      expect(stable?.hasAttribute('aria-current')).toBe(false);
      expect(sections()[0]!.querySelectorAll('[aria-current]')).toHaveLength(1);
    });

    it('lists the newest peer first and drops a peer that left', async () => {
      const { call, marked } = render({ capacity: 3 });
      await call.enter();
      call.connect('peer-bbbbbbb');
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'peer-ccccccc' });
      flushSync();
      expect(marked()).toEqual([
        ['peer-ccccccc', ['idle']],
        ['peer-bbbbbbb', ['connected']],
      ]);

      call.signaling.last.receive({ type: 'peer-left', peerId: 'peer-bbbbbbb' });
      flushSync();
      expect(marked()).toEqual([['peer-ccccccc', ['idle']]]);
    });

    it('shows the call\'s state and the events since the call started', async () => {
      const { call, target } = render();
      const callState = () => target.querySelector('[data-testid="inspector-call-state"]')?.textContent;
      expect(callState()).toBe('lobby');
      await call.enter();
      call.connect('peer-bbbbbbb');
      flushSync();

      expect(callState()).toBe('inCall');
      expect(target.querySelector('[aria-current="step"]')?.textContent).toBe('inCall');
      const lines = [...target.querySelectorAll('[data-testid="inspector-log-entry"]')].map((line) => line.querySelector('.text')?.textContent);
      expect(lines).toEqual(expect.arrayContaining(['create a room', 'peer-joined peer…', 'offer received, 5.4 KB', 'ICE connected']));
      expect(target.querySelector('[data-testid="inspector-log-entry"] time')?.textContent).toBe('+0.000 s');
    });

    it('exports the log as a JSON file with the handshake and no addresses', async () => {
      const { call, target } = render();
      await call.enter();
      call.connect('peer-bbbbbbb');
      flushSync();
      const blobs: Blob[] = [];
      vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
        blobs.push(blob as Blob);
        return 'blob:https://parley.example/log';
      });
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
      const clicked: HTMLAnchorElement[] = [];
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        clicked.push(this);
      });

      [...target.querySelectorAll('button')].find((button) => button.textContent === 'Export log')!.click();

      expect(clicked.map((link) => [link.href, /^parley-handshake-.+\.json$/.test(link.download)])).toEqual([['blob:https://parley.example/log', true]]);
      const text = await blobs[0]!.text();
      const exported = JSON.parse(text) as LogExport;
      expect(exported.peers).toEqual([{ peerId: 'peer-bbbbbbb', state: 'connected' }]);
      expect(exported.entries.map((entry) => entry.text)).toEqual(expect.arrayContaining(['offer received, 5.4 KB', 'host candidate udp received', 'ICE connected']));
      expect(text).not.toMatch(/\d{1,3}(\.\d{1,3}){3}|candidate:|IN IP4/);
    });

    it('opens and closes from the call view\'s button and with Alt+I', async () => {
      // jsdom has no media playback; the call view starts its videos.
      vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
      const { call, target } = render({ view: 'call' });
      await call.enter();
      flushSync();
      const panel = () => target.querySelector('[data-testid="inspector"]');
      const button = [...target.querySelectorAll('button')].find((candidate) => candidate.getAttribute('aria-label')?.includes('Inspector'))!;
      expect(panel()).toBeNull();
      expect(button.getAttribute('aria-keyshortcuts')).toBe('Alt+I');

      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'i', code: 'KeyI', altKey: true }));
      flushSync();
      // The panel's code loads when it is first opened.
      await vi.waitFor(() => expect(panel()).not.toBeNull());
      expect(button.getAttribute('aria-expanded')).toBe('true');

      button.click();
      flushSync();
      expect(panel()).toBeNull();
    });
  });

  describe('keyboard shortcut', () => {
    it('is Alt+I, also where Option+I types a dead key, and nothing close to it', () => {
      const key = (init: Partial<KeyboardEvent>) => ({ altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, key: '', code: '', ...init });
      expect(isInspectorShortcut(key({ altKey: true, key: 'i', code: 'KeyI' }))).toBe(true);
      expect(isInspectorShortcut(key({ altKey: true, key: 'Dead', code: 'KeyI' }))).toBe(true);
      expect(isInspectorShortcut(key({ key: 'i', code: 'KeyI' }))).toBe(false);
      expect(isInspectorShortcut(key({ altKey: true, ctrlKey: true, key: 'i', code: 'KeyI' }))).toBe(false);
      expect(isInspectorShortcut(key({ altKey: true, shiftKey: true, key: 'I', code: 'KeyI' }))).toBe(false);
      expect(isInspectorShortcut(key({ ctrlKey: true, shiftKey: true, key: 'I', code: 'KeyI' }))).toBe(false);
    });
  });
});
