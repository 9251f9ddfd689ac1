import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { startMain } from '../support/main-process.ts';
import { TestClient } from '../support/test-client.ts';

describe('server/main.ts', () => {
  it('prints its URL, and on SIGTERM tells clients shutting-down, closes them with 1012 and exits 0', async () => {
    const main = startMain({});
    const client = await TestClient.ready(`ws://127.0.0.1:${await main.port()}/ws`);
    client.send({ type: 'create' });
    await client.next('joined');
    main.child.kill('SIGTERM');
    expect(await client.next('error')).toMatchObject({ code: 'shutting-down' });
    expect((await client.closed).code).toBe(closeCodes.serviceRestart);
    expect((await main.exited)[0]).toBe(0);
  });

  it('refuses to start on a malformed setting, naming it', async () => {
    const main = startMain({ PORT: 'eighty', RATE_LIMIT: 'lots' });
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
