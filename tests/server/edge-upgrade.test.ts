import { describe, expect, it } from 'vitest';
import { captureLog, startServer, until, upgrade } from './helpers.ts';

describe('edge: origin of the upgrade', () => {
  it('admits the page\'s own origin, an allowed origin and clients that send none', async () => {
    const server = await startServer({ allowedOrigins: ['https://app.example'] });
    expect((await upgrade(server.url, { Origin: server.origin })).status).toBe(101);
    expect((await upgrade(server.url, { Origin: 'https://app.example' })).status).toBe(101);
    expect((await upgrade(server.url)).status).toBe(101);
  });

  it('refuses with 403 a foreign page driving its visitors\' browsers at /ws and /inspect', async () => {
    const server = await startServer({ inspectRooms: true });
    expect((await upgrade(server.url, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await upgrade(server.url.replace('/ws', '/inspect'), { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await upgrade(server.url, { Origin: server.origin.replace('127.0.0.1', 'localhost') })).status).toBe(403);
    expect(server.stats().connections).toBe(0);
  });
});

describe('edge: sockets per address and in all', () => {
  it('refuses with 429 an address at MAX_SOCKETS_PER_IP, and admits it again once one closes', async () => {
    const server = await startServer({ maxSocketsPerIp: 2 });
    const first = await upgrade(server.url);
    await upgrade(server.url);
    for (let n = 0; n < 5; n++) expect((await upgrade(server.url)).status).toBe(429);
    first.socket!.terminate();
    await until(() => server.stats().connections === 1);
    expect((await upgrade(server.url)).status).toBe(101);
  });

  it('refuses with 503 once the whole server holds MAX_SOCKETS', async () => {
    const server = await startServer({ maxSockets: 3 });
    for (let n = 0; n < 3; n++) expect((await upgrade(server.url)).status).toBe(101);
    expect((await upgrade(server.url)).status).toBe(503);
  });

  it('counts each client behind a trusted proxy by its X-Forwarded-For address', async () => {
    const server = await startServer({ maxSocketsPerIp: 1, trustProxy: ['127.0.0.1'] });
    expect((await upgrade(server.url, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(101);
    expect((await upgrade(server.url, { 'X-Forwarded-For': '203.0.113.8' })).status).toBe(101);
    expect((await upgrade(server.url, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const server = await startServer({ maxSocketsPerIp: 1 });
    expect((await upgrade(server.url, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(101);
    expect((await upgrade(server.url, { 'X-Forwarded-For': '203.0.113.8' })).status).toBe(429);
  });
});

describe('edge: what the log says', () => {
  it('logs a refused client once, by a keyed hash, never by its address', async () => {
    const log = captureLog();
    const server = await startServer({ maxSocketsPerIp: 1, trustProxy: true, logger: { level: 'info', stream: log.stream } });
    await upgrade(server.url, { 'X-Forwarded-For': '198.51.100.23' });
    for (let n = 0; n < 20; n++) expect((await upgrade(server.url, { 'X-Forwarded-For': '198.51.100.23' })).status).toBe(429);
    const refusals = log.lines.filter((line) => /refused/.test(String(line.msg)));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ reason: 'address-full', client: expect.stringMatching(/^[\w-]{16}$/) });
    expect(JSON.stringify(log.lines)).not.toContain('198.51.100.23');
  });

  it('writes nothing at info level for a flood of rooms created and dropped', async () => {
    const log = captureLog();
    const server = await startServer({ logger: { level: 'info', stream: log.stream } });
    const before = log.lines.length;
    for (let n = 0; n < 20; n++) {
      const { client } = await server.create();
      await client.drop();
    }
    await until(() => server.stats().connections === 0);
    expect(log.lines.slice(before)).toEqual([]);
  });
});
