import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { settle, startServer } from './helpers.ts';

/** One frame per second sustained after a burst of 10: any quick loop goes over. */
const rateLimit = { perSecond: 1, burst: 10, noticeIntervalMs: 100, abuseWindowMs: 300, calmMs: 200 };

describe('rate limiting over /ws', () => {
  it('drops frames over the limit unprocessed and says rate-limited once', async () => {
    const server = await startServer({ rateLimit });
    const client = await server.connect();
    for (let n = 0; n < 10; n++) client.send({ type: 'ping' });
    client.send({ type: 'create' });
    client.send({ type: 'create' });
    for (let n = 0; n < 10; n++) expect(await client.next()).toEqual({ type: 'pong' });
    const error = await client.next();
    expect(error).toEqual({ type: 'error', code: 'rate-limited', message: expect.any(String) });
    expect(server.stats().rooms).toBe(0);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('closes with 1008 a client still over the limit after the abuse window, while others keep being served', async () => {
    const server = await startServer({ rateLimit });
    const flooder = await server.create();
    const bystander = await server.join(flooder.joined.roomId);
    let open = true;
    void flooder.client.closed.then(() => (open = false));
    const flood = (async () => {
      while (open) {
        for (let n = 0; n < 5 && open; n++) flooder.client.send({ type: 'ping' });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await flooder.client.next('error');
    await settle(bystander.client);
    await settle(bystander.client);
    expect((await flooder.client.closed).code).toBe(closeCodes.policyViolation);
    await flood;
    expect(flooder.client.received.filter((message) => message.type === 'error').every((message) => message.type === 'error' && message.code === 'rate-limited')).toBe(true);
    expect(await bystander.client.next('peer-left')).toEqual({ type: 'peer-left', peerId: flooder.joined.peerId });
    await settle(bystander.client);
  });
});
