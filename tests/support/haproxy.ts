import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freeTcpPort } from './redis-server.ts';

/** The repository's HAProxy configuration, used by the tests exactly as README shows it. */
export const haproxyConfig = fileURLToPath(new URL('../../deploy/haproxy.cfg', import.meta.url));

/** A HAProxy of one test file in front of two instances. */
export interface Haproxy {
  /** ws://127.0.0.1:<port>/ws through the proxy. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts Debian's `haproxy` with deploy/haproxy.cfg, listening on a free loopback port, in
 * front of the instances on `ports`; resolves once /readyz answers through it.
 */
export async function startHaproxy(ports: [number, number]): Promise<Haproxy> {
  const port = await freeTcpPort();
  const child = spawn('haproxy', ['-db', '-f', haproxyConfig], {
    env: { ...process.env, PARLEY_LISTEN: `127.0.0.1:${port}`, PARLEY_SERVER_A: `127.0.0.1:${ports[0]}`, PARLEY_SERVER_B: `127.0.0.1:${ports[1]}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit');
  // HAProxy answers once two health checks passed; on a busy machine that can take a while.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.status, () => 0);
    if (answer === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not start: ${output.slice(-2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
