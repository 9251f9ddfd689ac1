import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import InspectorConsent from '../../web/components/InspectorConsent.svelte';
import { removed, sanitizeInspection } from '../../web/lib/inspector/sanitize-inspection.ts';
import { roomId } from '../support/fakes/start-call.ts';
import { startInspectedCall } from './inspector-call.ts';

/** What the real @statelyai/inspect library did with its window: what it opened and posted. */
const stately = vi.hoisted(() => ({
  created: 0,
  opened: [] as string[],
  posted: [] as unknown[],
  listeners: [] as Array<(event: { data: unknown }) => void>,
}));

// The real library, given a window that records instead of reaching stately.ai.
vi.mock('@statelyai/inspect', async (importOriginal) => {
  const real = await importOriginal<typeof import('@statelyai/inspect')>();
  const fakeWindow = {
    open: (url: string) => {
      stately.opened.push(String(url));
      return { postMessage: (message: unknown) => stately.posted.push(message) };
    },
    addEventListener: (_type: string, listener: (event: { data: unknown }) => void) => stately.listeners.push(listener),
  } as unknown as Window;
  return {
    ...real,
    createBrowserInspector: (options: Parameters<typeof real.createBrowserInspector>[0]) => {
      stately.created += 1;
      return real.createBrowserInspector({ ...options, window: fakeWindow });
    },
  };
});

/** Everything a call of these tests knows that must never reach stately.ai. */
const secrets = {
  roomId,
  resumeToken: 'resume-token-0123456789abcdef',
  turnUsername: '1767225600:parley',
  turnCredential: 'c3VwZXItc2VjcmV0LWNyZWRlbnRpYWw=',
  turnHost: '203.0.113.7',
  remoteAddress: '192.168.1.30',
  localAddress: '10.0.0.5',
  sdpStart: 'v=0',
  candidateLine: 'candidate:',
  name: 'Bo Secretname',
};

const iceServers = [{ urls: `turn:${secrets.turnHost}:3478`, username: secrets.turnUsername, credential: secrets.turnCredential }];

let cleanup: Array<() => void> = [];

afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
  document.body.replaceChildren();
  stately.created = 0;
  stately.opened = [];
  stately.posted = [];
  stately.listeners = [];
});

/** A call over fakes whose address asks for `?inspect=stately`, with its confirm step mounted. */
async function statelyCall() {
  const call = startInspectedCall({ search: '?inspect=stately', joined: { iceServers, names: { 'self-peer': secrets.name } } });
  const external = call.inspection.external!;
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(InspectorConsent, { target, props: { external } });
  cleanup.push(() => call.actor.stop(), () => unmount(component));
  await call.enter();
  call.connect('remote-peer-1');
  flushSync();
  const button = (name: string) => [...target.querySelectorAll('button')].find((element) => element.textContent === name)!;
  return { call, external, target, button };
}

describe('stately.ai inspector privacy', () => {
  describe('happy path', () => {
    it('asks first, in the page, and loads, opens and sends nothing before the answer', async () => {
      const { external, target } = await statelyCall();

      expect(external.status).toBe('asking');
      expect(target.querySelector('[role="dialog"]')?.textContent).toContain('Send this call\'s states to stately.ai?');
      expect(stately).toMatchObject({ created: 0, opened: [], posted: [] });
    });

    it('after "Send", gives stately.ai the states and events without a room id, token, name, SDP, address or TURN credential', async () => {
      const { call, button } = await statelyCall();
      button('Send to stately.ai').click();
      await vi.waitFor(() => expect(stately.opened).toEqual(['https://stately.ai/inspect']));
      for (const listener of stately.listeners) listener({ data: { type: '@statelyai.connected' } });
      call.connect('remote-peer-2');
      call.actor.send({ type: 'ui.toggleMic' });

      await vi.waitFor(() => {
        const types = stately.posted.map((message) => (message as { event?: { type?: string } }).event?.type);
        expect(types).toEqual(expect.arrayContaining(['ui.create', 'socket.message', 'ui.toggleMic']));
      });
      const everything = JSON.stringify(stately.posted);
      for (const [what, secret] of Object.entries(secrets)) expect(everything.includes(secret), what).toBe(false);
      // Still worth looking at: the call's states and its peers' handshake states are there.
      expect(everything).toContain('"inCall"');
      expect(everything).toContain('"remote-peer-2"');
    });
  });

  describe('failure', () => {
    it('after "Don\'t send", never loads, opens or sends anything', async () => {
      const { call, external, button, target } = await statelyCall();
      button('Don\'t send').click();
      flushSync();
      call.connect('remote-peer-2');

      expect(external.status).toBe('declined');
      expect(target.querySelector('[role="dialog"]')).not.toBeNull();
      expect(stately).toMatchObject({ created: 0, opened: [], posted: [] });
    });
  });
});

/** Stands in for a browser's stream: an object that is not plain data. */
class MediaStream {}

describe('sanitizeInspection', () => {
  /** A snapshot event shaped as @statelyai/inspect makes it from a call machine's snapshot. */
  function snapshotEvent() {
    const context: Record<string, unknown> = {
      intent: { kind: 'join', roomId: secrets.roomId },
      roomId: secrets.roomId,
      selfId: 'self-peer',
      resumeToken: 'AbCdEfGhIjKlMnOpQrSt_1',
      iceServers,
      localStream: new MediaStream(),
      names: { 'self-peer': secrets.name },
      error: null,
      outbox: [{ type: 'peer.signal', to: 'remote-peer-1', data: { description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 192.168.1.20\r\n' } } }],
      note: 'reached fe80::1c2b:3a4d from 192.168.1.20',
    };
    context.self = context;
    return {
      type: '@xstate.snapshot',
      sessionId: 'x:0',
      rootId: 'x:0',
      id: null,
      createdAt: '1',
      _version: '0.7.2',
      event: { type: 'socket.message', message: { type: 'signal', from: 'remote-peer-1', data: { candidate: { candidate: 'candidate:1 1 udp 1 192.168.1.30 5 typ host', sdpMid: '0' } } } },
      snapshot: { status: 'active', value: { inCall: 'connected' }, context, machine: { config: {} }, children: {}, historyValue: {} },
    };
  }

  it('keeps states, event types, peer ids and switches, and removes secrets by key and by shape', () => {
    const clean = sanitizeInspection(snapshotEvent()) as unknown as { event: unknown; snapshot: Record<string, unknown> };

    expect(Object.keys(clean.snapshot)).toEqual(['status', 'value', 'context']);
    expect(clean.snapshot.value).toEqual({ inCall: 'connected' });
    expect(clean.snapshot.context).toMatchObject({
      intent: { kind: 'join', roomId: removed },
      roomId: removed,
      selfId: 'self-peer',
      resumeToken: removed,
      iceServers: removed,
      localStream: '[MediaStream]',
      names: removed,
      error: null,
      outbox: [{ type: 'peer.signal', to: 'remote-peer-1', data: { description: { type: 'offer', sdp: removed } } }],
      note: removed,
      self: '[circular]',
    });
    expect(clean.event).toEqual({ type: 'socket.message', message: { type: 'signal', from: 'remote-peer-1', data: { candidate: removed } } });
  });

  it('gives the same result when applied again, as the library serialises once per hop', () => {
    const once = sanitizeInspection(snapshotEvent());
    expect(sanitizeInspection(once)).toEqual(once);
  });
});
