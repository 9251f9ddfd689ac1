import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, setup, type AnyEventObject } from 'xstate';
import type { SocketEvent } from '../../machines/call/types.ts';
import { createSignalingSocketActor } from '../../web/lib/actors/signaling-socket.ts';

/** A WebSocket as far as the actor uses it: the test plays the server's side. */
class ServerSide extends EventTarget {
  readonly OPEN = 1;
  readyState = 0;
  readonly sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  say(message: object): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  pings(): number {
    return this.sent.filter((data) => JSON.parse(data).type === 'ping').length;
  }
}

/** Runs the page's socket actor under a parent that records what it reports. */
function startSocket() {
  const socket = new ServerSide();
  const reported: SocketEvent[] = [];
  const parent = setup({ actors: { signalingSocket: createSignalingSocketActor({ url: () => 'ws://test/ws', open: () => socket as unknown as WebSocket }) } }).createMachine({
    invoke: { src: 'signalingSocket' },
    on: { '*': { actions: ({ event }: { event: AnyEventObject }) => reported.push(event as SocketEvent) } },
  });
  createActor(parent).start();
  socket.open();
  return { socket, reported, lost: () => reported.filter((event) => event.type === 'socket.closed') };
}

describe('the page noticing a silent signaling socket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports a socket that answers nothing as lost (1006) within about 5 s, and not before 4 s', () => {
    const { socket, lost } = startSocket();
    vi.advanceTimersByTime(4_000);
    expect(lost()).toEqual([]);
    expect(socket.pings()).toBe(4);
    vi.advanceTimersByTime(1_000);
    expect(lost()).toEqual([{ type: 'socket.closed', code: 1006 }]);
  });

  it('keeps a socket whose server answers every ping', () => {
    const { socket, lost } = startSocket();
    for (let second = 0; second < 30; second++) {
      vi.advanceTimersByTime(1_000);
      socket.say({ type: 'pong' });
    }
    expect(lost()).toEqual([]);
  });

  it('does not take its own stall for a silent server: frames that waited meanwhile are delivered', () => {
    const { socket, reported, lost } = startSocket();
    // The tab was frozen for 10 s: its first late timer runs before the frames that came meanwhile.
    vi.setSystemTime(Date.now() + 10_000);
    vi.advanceTimersByTime(1_000);
    socket.say({ type: 'signal', from: 'peer-1', data: { description: { type: 'answer', sdp: 'v=0' } } });
    expect(lost()).toEqual([]);
    expect(reported.filter((event) => event.type === 'socket.message')).toHaveLength(1);
  });
});
