/**
 * Runs one attack from the "Safe on the open internet" list against a running Parley server on
 * loopback, while a bystander pair in another room measures signal round trips, and prints the
 * server's peak RSS (VmHWM of `--pid`) and the bystander's p50/p99 as one JSON line.
 *
 *   npx tsx bench/attacks/attack.ts --attack stalled --port 8081 --pid 1234
 *
 * Attacks (each bounded in count and at most ~30 s): `stalled` (40 readers that stop reading
 * and send unprompted pongs while their peers signal within the rate limit), `connections`
 * (20,000 connection attempts), `rooms` (20,000 abrupt create-and-drop), `held` (held-seat
 * queues filled), `large` (100 sockets sending 61 KB frames at 50 frames/s). Loopback only.
 */
import { readFileSync } from 'node:fs';
import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({ options: { attack: { type: 'string' }, port: { type: 'string' }, pid: { type: 'string' } } });
const url = `ws://127.0.0.1:${values.port}/ws`;
const durationMs = 30_000;
const padding = 'x'.repeat(61_000);

/** Opens a socket and resolves with it and its first `welcome`, or undefined if refused. */
function open(options: WebSocket.ClientOptions = {}): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options);
    socket.once('message', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
    socket.once('close', () => resolve(undefined));
  });
}

function next(socket: WebSocket, type: string, timeoutMs = 5_000): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (message.type === type || message.type === 'error') done(message.type === type ? message : undefined);
    };
    const done = (value: Record<string, unknown> | undefined): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(value);
    };
    socket.on('message', onMessage);
    socket.setMaxListeners(0);
    socket.once('close', () => done(undefined));
  });
}

/** Two sockets in one room, `a` (the creator) and `b` opened with their own client options. */
interface Pair {
  a: WebSocket;
  b: WebSocket;
  aId: string;
  bId: string;
}

/** A pair in one room; resolves undefined when the server refuses either. */
async function pair(options: WebSocket.ClientOptions = {}, creator: WebSocket.ClientOptions = {}): Promise<Pair | undefined> {
  const a = await open(creator);
  if (a === undefined) return undefined;
  a.send(JSON.stringify({ type: 'create' }));
  const joinedA = await next(a, 'joined');
  const b = joinedA && (await open(options));
  if (joinedA === undefined || b === undefined) return (a.terminate(), undefined);
  b.send(JSON.stringify({ type: 'join', roomId: joinedA.roomId }));
  const joinedB = await next(b, 'joined');
  if (joinedB === undefined) return (a.terminate(), b.terminate(), undefined);
  return { a, b, aId: String(joinedA.peerId), bId: String(joinedB.peerId) };
}

/**
 * The bystander: signals to its peer, which echoes; round trips in ms until `stop`. It connects
 * from 127.0.0.2, another client address than the attacker's (127.0.0.1), as on the internet.
 */
async function bystander(stop: Promise<void>): Promise<number[]> {
  const room = await pair({ localAddress: '127.0.0.2' }, { localAddress: '127.0.0.2' });
  if (room === undefined) return [];
  const times: number[] = [];
  room.b.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; data?: unknown };
    if (message.type === 'signal') room.b.send(JSON.stringify({ type: 'signal', to: room.aId, data: message.data }));
  });
  let running = true;
  void stop.then(() => (running = false));
  while (running) {
    const started = performance.now();
    room.a.send(JSON.stringify({ type: 'signal', to: room.bId, data: { t: started } }));
    const echoed = await next(room.a, 'signal', 10_000);
    times.push(echoed === undefined ? 10_000 : performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  room.a.terminate();
  room.b.terminate();
  return times;
}

const sockets: WebSocket[] = [];
const deadline = Date.now() + durationMs;

const attacks: Record<string, () => Promise<void>> = {
  async stalled() {
    const pairs: Pair[] = [];
    for (let n = 0; n < 40; n++) {
      let raw: Socket | undefined;
      const connect = ((options: NetConnectOpts) => (raw = createConnection(options))) as typeof createConnection;
      const room = await pair({ autoPong: false, createConnection: connect });
      if (room === undefined) continue;
      pairs.push(room);
      sockets.push(room.a, room.b);
      raw!.pause();
    }
    const pongs = setInterval(() => pairs.forEach((room) => room.b.readyState === WebSocket.OPEN && room.b.pong()), 1_000);
    while (Date.now() < deadline) {
      for (const room of pairs) if (room.a.readyState === WebSocket.OPEN) room.a.send(JSON.stringify({ type: 'signal', to: room.bId, data: { padding } }));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    clearInterval(pongs);
  },
  async connections() {
    let attempts = 0;
    while (attempts < 20_000 && Date.now() < deadline) {
      const batch = await Promise.all(Array.from({ length: 200 }, () => open()));
      attempts += batch.length;
      for (const socket of batch) if (socket !== undefined) sockets.push(socket);
    }
  },
  async rooms() {
    let created = 0;
    while (created < 20_000 && Date.now() < deadline) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const socket = await open();
          socket?.send(JSON.stringify({ type: 'create' }));
          if (socket) await next(socket, 'joined', 2_000);
          socket?.terminate();
        }),
      );
      created += 50;
    }
  },
  async held() {
    while (Date.now() < deadline) {
      const room = await pair();
      if (room === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      sockets.push(room.a);
      room.b.terminate();
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let n = 0; n < 5; n++) room.a.send(JSON.stringify({ type: 'signal', to: room.bId, data: { padding } }));
    }
  },
  async large() {
    const pairs: Pair[] = [];
    for (let n = 0; n < 50; n++) {
      const room = await pair();
      if (room !== undefined) pairs.push(room), sockets.push(room.a, room.b);
    }
    while (Date.now() < deadline) {
      for (const room of pairs) {
        if (room.a.readyState === WebSocket.OPEN) room.a.send(JSON.stringify({ type: 'signal', to: room.bId, data: { padding } }));
        if (room.b.readyState === WebSocket.OPEN) room.b.send(JSON.stringify({ type: 'signal', to: room.aId, data: { padding } }));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  },
};

let stopBystander!: () => void;
const stopped = new Promise<void>((resolve) => (stopBystander = resolve));
const measuring = bystander(stopped);
await attacks[values.attack!]!();
stopBystander();
const times = (await measuring).sort((a, b) => a - b);
const quantile = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN);
const status = readFileSync(`/proc/${values.pid}/status`, 'utf8');
const alive = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
const peakMiB = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024);
console.log(JSON.stringify({ attack: values.attack, peakRssMiB: peakMiB, p50: quantile(0.5), p99: quantile(0.99), samples: times.length, attackerSocketsOpen: alive }));
for (const socket of sockets) socket.terminate();
process.exit(0);
