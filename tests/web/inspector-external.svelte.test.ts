import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { ExternalInspector } from '../../web/lib/inspector/external-inspector.svelte.ts';
import { inspectModeOf } from '../../web/lib/inspector/inspect-mode.ts';
import { PageInspection } from '../../web/lib/inspector/page-inspection.ts';

type InspectModule = typeof import('@statelyai/inspect');

/** A stand-in for @statelyai/inspect: records its options and what it is given. */
function fakeLibrary(options: { windowOpens: boolean }) {
  const given: InspectionEvent[] = [];
  const created: Array<{ url?: string; autoStart?: boolean }> = [];
  const adapter = { targetWindow: options.windowOpens ? ({} as Window) : null, options: { url: '' } };
  const library = {
    createBrowserInspector: (inspectorOptions: { url?: string; autoStart?: boolean }) => {
      created.push(inspectorOptions);
      adapter.options.url = inspectorOptions.url ?? 'https://stately.ai/inspect';
      return { adapter, start: () => {}, inspect: { next: (event: InspectionEvent) => given.push(event) } };
    },
  } as unknown as InspectModule;
  return { library, given, created, adapter };
}

function inspection(type: string): InspectionEvent {
  return { type: '@xstate.event', rootId: 'x:0', actorRef: {} as InspectionEvent['actorRef'], sourceRef: undefined, event: { type } };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('external state inspector', () => {
  describe('happy path', () => {
    it('is asked for with ?inspect, ?inspect=local or ?inspect=stately, and only then', () => {
      expect(['', '?room=1', '?inspect', '?inspect=local', '?a=1&inspect', '?inspect=stately', '?inspect=other'].map(inspectModeOf)).toEqual([
        null,
        null,
        'local',
        'local',
        'local',
        'stately',
        'local',
      ]);
    });

    it('opens the receiver served beside the page, and hands it what happened while the library loaded, in order', async () => {
      const { library, given, created } = fakeLibrary({ windowOpens: true });
      const external = new ExternalInspector('local', () => Promise.resolve(library));
      external.observer.next?.(inspection('xstate.init'));
      external.observer.next?.(inspection('ui.create'));
      await vi.waitFor(() => expect(external.status).toBe('open'));
      external.observer.next?.(inspection('socket.open'));

      expect(created).toEqual([expect.objectContaining({ url: `${window.location.origin}/inspector.html`, autoStart: false })]);
      expect(given.map((event) => (event as { event: { type: string } }).event.type)).toEqual(['xstate.init', 'ui.create', 'socket.open']);
    });

    it('uses Stately\'s hosted inspector only for ?inspect=stately, once the person allows it', async () => {
      const { library, created } = fakeLibrary({ windowOpens: true });
      const external = new ExternalInspector('stately', () => Promise.resolve(library));
      external.allow();
      await vi.waitFor(() => expect(external.status).toBe('open'));
      expect(created[0]).not.toHaveProperty('url');
    });

    it('feeds only the in-app log when the address does not ask for more', () => {
      const page = new PageInspection({ search: '' });
      expect(page.external).toBeNull();
      expect(page.inspect).toBe(page.log.observer);
    });
  });

  describe('failure', () => {
    it('says when the browser blocked the window, and opens it again from a click', async () => {
      const { library, adapter } = fakeLibrary({ windowOpens: false });
      const external = new ExternalInspector('local', () => Promise.resolve(library));
      vi.spyOn(console, 'info').mockImplementation(() => {});
      await vi.waitFor(() => expect(external.status).toBe('blocked'));

      const receiverWindow = {} as Window;
      const open = vi.spyOn(window, 'open').mockReturnValue(receiverWindow);
      external.reopen();
      expect(open).toHaveBeenCalledWith(`${window.location.origin}/inspector.html`, 'xstateinspector');
      expect(adapter.targetWindow).toBe(receiverWindow);
      expect(external.status).toBe('open');
    });

    it('says when the library could not be loaded, and drops what it held', async () => {
      const external = new ExternalInspector('local', () => Promise.reject(new Error('offline')));
      external.observer.next?.(inspection('ui.create'));
      await vi.waitFor(() => expect(external.status).toBe('failed'));
      expect(() => external.observer.next?.(inspection('socket.open'))).not.toThrow();
    });
  });
});
