import { describe, expect, it } from 'vitest';
import { settle, startServer, until, upgrade } from './helpers.ts';

/** The value of the sample `name` (with its labels, e.g. `parley_rooms` or `x{code="y"}`) in a scrape. */
function sample(scrape: string, name: string): number | undefined {
  const line = scrape.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('HTTP: /metrics', () => {
  it('counts sockets, rooms, members, held seats, messages, errors, refusals and resumes in Prometheus format', async () => {
    const server = await startServer({ maxSocketsPerIp: 3 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    alice.client.send({ type: 'join', roomId: 'nope' });
    await alice.client.next('error');
    await bob.client.drop();
    await until(() => server.stats().connections === 1);
    alice.client.send({ type: 'signal', to: bob.joined.peerId, data: { candidate: null } });
    await settle(alice.client);
    const extra = await upgrade(server.url);
    await upgrade(server.url);
    expect((await upgrade(server.url)).status).toBe(429);

    const response = await fetch(`${server.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const scrape = await response.text();
    expect(sample(scrape, 'parley_rooms')).toBe(1);
    expect(sample(scrape, 'parley_members')).toBe(2);
    expect(sample(scrape, 'parley_held_seats')).toBe(1);
    expect(sample(scrape, 'parley_held_queue_bytes')).toBeGreaterThan(0);
    expect(sample(scrape, 'parley_sockets')).toBe(3);
    expect(sample(scrape, 'parley_messages_total{type="create"}')).toBe(1);
    expect(sample(scrape, 'parley_errors_total{code="already-in-room"}')).toBe(1);
    expect(sample(scrape, 'parley_refused_upgrades_total{reason="address-full"}')).toBe(1);
    expect(scrape).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(scrape).toMatch(/^process_resident_memory_bytes /m);

    extra.socket!.terminate();
    await until(() => server.stats().connections === 2);
    await server.join(alice.joined.roomId, bob.joined.resume);
    expect(sample(await (await fetch(`${server.origin}/metrics`)).text(), 'parley_seat_events_total{event="resumed"}')).toBe(1);
  });

  it('answers other machines only with METRICS_TOKEN', async () => {
    const server = await startServer({ trustProxy: true, metricsToken: 'a-long-scrape-token' });
    const remote = { 'X-Forwarded-For': '203.0.113.9' };
    expect((await fetch(`${server.origin}/metrics`, { headers: remote })).status).toBe(404);
    expect((await fetch(`${server.origin}/metrics`, { headers: { ...remote, Authorization: 'Bearer wrong-token-here!!' } })).status).toBe(404);
    expect((await fetch(`${server.origin}/metrics`, { headers: { ...remote, Authorization: 'Bearer a-long-scrape-token' } })).status).toBe(200);
  });

  it('answers no other machine when no token is set', async () => {
    const server = await startServer({ trustProxy: true });
    expect((await fetch(`${server.origin}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } })).status).toBe(404);
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(200);
  });
});
