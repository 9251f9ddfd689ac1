import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { waitForOutput } from './main-process.ts';

/** A free UDP port on loopback, as the system hands out ephemeral ones. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** A coturn started for one test: its TURN URL, the shared secret, and every port it uses. */
export interface TurnServer {
  url: string;
  secret: string;
  /** The listening port (TURN requests) and the relay port range, for firewall rules. */
  ports: { listening: number; relayMin: number; relayMax: number };
  stop(): Promise<void>;
}

/**
 * Starts a real coturn (`turnserver`, Debian package coturn) on 127.0.0.1 with the TURN REST
 * API (`use-auth-secret`), as a deployment would run it, on a free port and a small relay port
 * range of its own. Loopback peers are allowed, since both browsers of the test are local.
 * Resolves once it listens.
 */
export async function startTurnServer(): Promise<TurnServer> {
  const listening = await freeUdpPort();
  // A relay range of its own, above the kernel's ephemeral range's start, picked at random.
  const relayMin = 49_152 + Math.floor(Math.random() * 1_000) * 16;
  const relayMax = relayMin + 15;
  const secret = randomBytes(16).toString('hex');
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n', '--no-cli', '--no-tls', '--no-dtls', '--log-file=stdout', '--simple-log',
      '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${listening}`,
      `--min-port=${relayMin}`, `--max-port=${relayMax}`, '--allow-loopback-peers',
      '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=parley.test', '--fingerprint',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit');
  await waitForOutput(child, () => output, /listener opened on|Total General servers/i, 10_000);
  return {
    url: `turn:127.0.0.1:${listening}?transport=udp`,
    secret,
    ports: { listening, relayMin, relayMax },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
