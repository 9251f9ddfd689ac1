import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForOutput } from './main-process.ts';

/** A free TCP port on loopback, as the system hands out ephemeral ones. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A redis-server of one test file: its URL, and ways to kill it and bring it back. */
export interface RedisServer {
  url: string;
  port: number;
  /** The process id of the running redis-server (for the bench, which counts its CPU time). */
  pid(): number;
  /** `kill -9`: gone at once, as a crashed Redis. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder, so it reloads its append-only file. */
  restart(): Promise<void>;
  /** Stops it and deletes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a real `redis-server` (Debian package redis-server) on a free loopback port, with
 * the append-only file on (fsync every write) in a folder of its own, as a deployment runs it.
 * Resolves once it accepts connections.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    started.stdout!.on('data', (chunk) => (output += String(chunk)));
    started.stderr!.on('data', (chunk) => (output += String(chunk)));
    await waitForOutput(started, () => output, /Ready to accept connections/, 15_000);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child!.pid!,
    kill: () => halt('SIGKILL'),
    restart: launch,
    async stop() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
