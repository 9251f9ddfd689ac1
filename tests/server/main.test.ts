import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { TestClient } from '../support/test-client.ts';

const repository = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `server/main.ts` as `npm start` does (without the page build) on a free port. */
async function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repository,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => {
    output += String(chunk);
    errors += String(chunk);
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, exited, output: () => output, errors: () => errors };
}

describe('server/main.ts', () => {
  it('prints its URL, and on SIGTERM tells clients shutting-down, closes them with 1012 and exits 0', async () => {
    const main = await startMain({});
    const deadline = Date.now() + 15_000;
    let match: RegExpMatchArray | null = null;
    while (!(match = main.output().match(/http:\/\/127\.0\.0\.1:(\d+)/)) && Date.now() < deadline) {
      await Promise.race([once(main.child.stdout, 'data'), main.exited]);
    }
    expect(match, main.output()).not.toBeNull();
    const client = await TestClient.ready(`ws://127.0.0.1:${match![1]}/ws`);
    client.send({ type: 'create' });
    await client.next('joined');
    main.child.kill('SIGTERM');
    expect(await client.next('error')).toMatchObject({ code: 'shutting-down' });
    expect((await client.closed).code).toBe(closeCodes.serviceRestart);
    expect((await main.exited)[0]).toBe(0);
  });

  it('refuses to start on a malformed setting, naming it', async () => {
    const main = await startMain({ PORT: 'eighty', RATE_LIMIT: 'lots' });
    const [code] = await main.exited;
    expect(code).toBe(1);
    expect(main.output()).toContain('PORT must be a whole number');
    expect(main.output()).toContain('RATE_LIMIT');
  });

  it('says in one line that the port is in use, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const main = await startMain({ PORT: String((taken.address() as AddressInfo).port) });
      expect((await main.exited)[0]).toBe(1);
      expect(main.errors().trim().split('\n')).toEqual([expect.stringMatching(/^Cannot listen: port \d+ is already in use on 127\.0\.0\.1; .*PORT/)]);
    } finally {
      taken.close();
    }
  });

  it('says in one line that HOST is not an address of this machine, and exits 1', async () => {
    const main = await startMain({ HOST: 'no-such-host.invalid' });
    expect((await main.exited)[0]).toBe(1);
    expect(main.errors().trim().split('\n')).toEqual([expect.stringMatching(/^Cannot listen: HOST "no-such-host\.invalid" is not an address/)]);
  });
});
