import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { startServer, until } from './helpers.ts';

/** Collects a pino logger's JSON lines. */
function logSink(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

describe('room inspection (INSPECT_ROOMS)', () => {
  describe('happy path', () => {
    it('logs each room transition with its state and members, never a token or a full room id', async () => {
      const log = logSink();
      const server = await startServer({ inspectRooms: true, logger: { level: 'info', stream: log.stream } });
      const { joined } = await server.create();
      const { client: bob } = await server.join(joined.roomId);
      bob.send({ type: 'leave' });
      await bob.next('left');

      await until(() => log.lines.filter((line) => line.msg === 'room transition').length >= 3);
      const transitions = log.lines.filter((line) => line.msg === 'room transition');
      expect(transitions.map((line) => (line.event as { type: string }).type)).toEqual(
        expect.arrayContaining(['client.join', 'client.leave']),
      );
      expect(transitions.some((line) => line.state === 'full')).toBe(true);
      const text = JSON.stringify(log.lines);
      expect(text).not.toContain(joined.roomId);
      expect(text).not.toContain(joined.resume);
    });

    it('streams room actors to /inspect subscribers as inspector events, without secrets', async () => {
      const server = await startServer({ inspectRooms: true });
      const subscriber = new WebSocket(server.url.replace(/\/ws$/, '/inspect'));
      const events: Array<{ type: string; snapshot?: { value?: unknown; context?: unknown } }> = [];
      subscriber.on('message', (data) => events.push(JSON.parse(String(data))));
      await new Promise((resolve) => subscriber.once('open', resolve));

      const { joined } = await server.create();
      await server.join(joined.roomId);

      await until(() => events.some((event) => event.type === '@xstate.snapshot' && event.snapshot?.value === 'full'));
      expect(events.some((event) => event.type === '@xstate.actor')).toBe(true);
      const text = JSON.stringify(events);
      expect(text).not.toContain(joined.resume);
      expect(text).not.toContain(joined.roomId);
      subscriber.terminate();
    });
  });

  describe('failure', () => {
    it('is off by default: no transition lines and no /inspect endpoint', async () => {
      const log = logSink();
      const server = await startServer({ logger: { level: 'info', stream: log.stream } });
      const { joined } = await server.create();
      await server.join(joined.roomId);
      // Unknown paths are refused, or (with the page's catch-all route) upgraded and closed at once.
      const subscriber = new WebSocket(server.url.replace(/\/ws$/, '/inspect'));
      let frames = 0;
      subscriber.on('message', () => frames++);
      subscriber.on('error', () => {});
      await new Promise((resolve) => {
        subscriber.once('close', resolve);
        subscriber.once('unexpected-response', resolve);
      });
      subscriber.terminate();
      expect(frames).toBe(0);
      expect(log.lines.some((line) => line.msg === 'room transition')).toBe(false);
    });
  });
});
