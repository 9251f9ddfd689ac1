import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import type { MachineContext } from 'xstate';
import type { RoomContext } from '../../machines/room-machine.ts';
import { inspectedContext, inspectedEvent, roomTransitionLogger } from '../room-inspection.ts';

/**
 * Development aid behind INSPECT_ROOMS (off by default): every room actor's transitions become
 * structured log lines, and `/inspect` streams them as @statelyai/inspect events, which the
 * receiver page (`/inspector.html?server`) shows next to the page's own actors. Resume tokens
 * and signal payloads are stripped before anything leaves the actor. @statelyai/inspect is a
 * development dependency, loaded only when enabled, so production servers carry none of it.
 */
export const roomInspectionPlugin = fp(
  async (app) => {
    if (!app.config.inspectRooms) return;
    let createInspector: typeof import('@statelyai/inspect').createInspector;
    try {
      ({ createInspector } = await import('@statelyai/inspect'));
    } catch {
      app.log.error('INSPECT_ROOMS needs the development dependencies (npm ci without --omit=dev); rooms are not inspected');
      return;
    }
    const subscribers = new Set<WebSocket>();
    const stately = createInspector(
      {
        send: (event) => {
          const frame = JSON.stringify(event);
          for (const subscriber of subscribers) subscriber.send(frame);
        },
      },
      {
        sanitizeContext: (context: MachineContext) => inspectedContext(context as RoomContext) as unknown as MachineContext,
        sanitizeEvent: inspectedEvent,
      },
    );
    const logTransition = roomTransitionLogger((line) => app.log.info(line, 'room transition'));
    app.rooms.observe((event) => {
      logTransition(event);
      stately.inspect.next?.(event);
    });

    app.get('/inspect', { websocket: true }, (socket) => {
      subscribers.add(socket);
      socket.on('close', () => subscribers.delete(socket));
    });
    app.addHook('preClose', async () => {
      for (const subscriber of subscribers) subscriber.close(1001);
    });
    app.log.warn('INSPECT_ROOMS is on: room transitions are logged and streamed at /inspect');
  },
  { name: 'parley-room-inspection', dependencies: ['parley-config', 'parley-rooms', 'parley-signaling'] },
);
