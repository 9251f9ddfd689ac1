import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent } from '../../../machines/call/types.ts';
import type { ClientMessage, ServerMessage } from '../../../protocol/messages.ts';

/** One simulated signaling socket: records what the client sent and plays the server's part. */
export class FakeSocket {
  /** Messages the client sent, in order. */
  readonly sent: ClientMessage[] = [];
  /** True once the client closed it (the actor was stopped). */
  closedByClient = false;

  constructor(private readonly sendBack: (event: SocketEvent) => void) {}

  /** The socket opened and the server said `welcome`. */
  open(): void {
    this.sendBack({ type: 'socket.open' });
    this.receive({ type: 'welcome', protocol: 1 });
  }

  /** A frame from the server. */
  receive(message: ServerMessage): void {
    if (!this.closedByClient) this.sendBack({ type: 'socket.message', message });
  }

  /** The connection dropped (1006: no close frame) or the server closed it with `code`. */
  drop(code = 1006): void {
    if (!this.closedByClient) this.sendBack({ type: 'socket.closed', code });
  }

  /** Types of the messages sent so far. */
  sentTypes(): string[] {
    return this.sent.map((message) => message.type);
  }
}

/** A registry of fake sockets; provide `logic` as the call machine's `signalingSocket`. */
export function createFakeSignaling() {
  const sockets: FakeSocket[] = [];
  const logic = fromCallback<SocketCommand>(({ sendBack, receive }) => {
    const socket = new FakeSocket(sendBack as (event: SocketEvent) => void);
    sockets.push(socket);
    receive((command) => {
      if (!socket.closedByClient) socket.sent.push(command.message);
    });
    return () => {
      socket.closedByClient = true;
    };
  });
  return {
    logic,
    sockets,
    /** The latest socket. */
    get last(): FakeSocket {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('No socket was opened.');
      return socket;
    },
  };
}
