/**
 * Conformance to docs/protocol.md: validation order and every error code,
 * with each error's `ref`, checked from the outside with a plain `ws` client.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolProbe } from '../support/conformance-client.ts';
import { useProbeServers, type ProbeServer } from '../support/probe-server.ts';

const start = useProbeServers();

/** `data` nested `levels` deep, counting `data` itself as level 1. */
function nestedData(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

/** Sends `text` and expects an error with `code` and, when given, exactly `ref`; then checks the socket still serves. */
async function expectRefusal(probe: ProtocolProbe, text: string, code: string, ref?: string): Promise<void> {
  probe.sendText(text);
  const error = await probe.expectError(code);
  expect(error.ref, text.slice(0, 80)).toBe(ref);
  expect(error.message).toEqual(expect.any(String));
  expect(await probe.settle()).toEqual([]);
}

/** A two-peer room: `alice` created it, `bob` joined; both have read everything so far. */
async function pair(server: ProbeServer, capacity?: number) {
  const { probe: alice, joined: a } = await server.create(capacity);
  const { probe: bob, joined: b } = await server.join(a.roomId);
  await alice.expect('peer-joined');
  return { alice, bob, a, b };
}

describe('bad-json', () => {
  it.each(['', ' ', '{', 'not json', '{"type":"ping"', "{'type':'ping'}", '{"type":"ping",}', 'NaN', '\u0000', '{"type":"ping"}{"type":"ping"}', '\ufeff{"type":"ping"}'])(
    'answers bad-json without a ref to text that is not JSON: %j',
    async (text) => {
      const server = await start();
      await expectRefusal(await server.open(), text, 'bad-json', undefined);
    },
  );

  it.each([
    ['an empty array', '[]'],
    ['an array holding a message', '[{"type":"ping"}]'],
    ['a string', '"ping"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['an array 5,000 levels deep', '['.repeat(5000) + ']'.repeat(5000)],
  ])(
    'answers bad-json without a ref to JSON that is not an object: %s',
    async (_, text) => {
      const server = await start();
      await expectRefusal(await server.open(), text, 'bad-json', undefined);
    },
  );
});

describe('bad-message', () => {
  it.each([
    ['{}'],
    ['{"type":1}'],
    ['{"type":null}'],
    ['{"type":["ping"]}'],
    ['{"type":{"type":"ping"}}'],
    ['{"__proto__":{"type":"ping"}}'],
  ])('answers bad-message without a ref to an object with no string type: %s', async (text) => {
    const server = await start();
    await expectRefusal(await server.open(), text, 'bad-message', undefined);
  });

  it.each(['hello', 'PING', 'Ping', 'pong', 'joined', 'welcome', 'error', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''])(
    'answers bad-message to the unknown type %j, naming it at most as its ref',
    async (type) => {
      const server = await start();
      const probe = await server.open();
      probe.send({ type });
      const error = await probe.expectError('bad-message');
      expect([undefined, type]).toContain(error.ref);
      expect(await probe.settle()).toEqual([]);
    },
  );

  it.each([
    ['create', '{"type":"create","capacity":1}'],
    ['create', '{"type":"create","capacity":0}'],
    ['create', '{"type":"create","capacity":-2}'],
    ['create', '{"type":"create","capacity":9}'],
    ['create', '{"type":"create","capacity":2.5}'],
    ['create', '{"type":"create","capacity":"2"}'],
    ['create', '{"type":"create","capacity":null}'],
    ['create', '{"type":"create","capacity":true}'],
    ['create', '{"type":"create","capacity":[2]}'],
    ['create', '{"type":"create","capacity":1e400}'],
    ['join', '{"type":"join"}'],
    ['join', '{"type":"join","roomId":42}'],
    ['join', '{"type":"join","roomId":null}'],
    ['join', '{"type":"join","roomId":["r"]}'],
    ['join', '{"type":"join","roomId":"r","resume":42}'],
    ['join', '{"type":"join","roomId":"r","resume":null}'],
    ['signal', '{"type":"signal"}'],
    ['signal', '{"type":"signal","to":"p"}'],
    ['signal', '{"type":"signal","data":{}}'],
    ['signal', '{"type":"signal","to":7,"data":{}}'],
    ['signal', '{"type":"signal","to":"p","data":null}'],
    ['signal', '{"type":"signal","to":"p","data":[]}'],
    ['signal', '{"type":"signal","to":"p","data":"sdp"}'],
    ['signal', '{"type":"signal","to":"p","data":1}'],
  ])('answers bad-message with ref %j to %s', async (ref, text) => {
    const server = await start();
    await expectRefusal(await server.open(), text, 'bad-message', ref);
  });

  it.each([
    ['objects 33 levels deep', `{"type":"signal","to":"p","data":${nestedData(33)}}`],
    ['objects 5,000 levels deep', `{"type":"signal","to":"p","data":${nestedData(5000)}}`],
    ['arrays inside data, 33 levels in all', `{"type":"signal","to":"p","data":{"a":${'['.repeat(32)}${']'.repeat(32)}}}`],
  ])('answers bad-message with ref "signal" to data nested too deep: %s', async (_, text) => {
    const server = await start();
    await expectRefusal(await server.open(), text, 'bad-message', 'signal');
  });

  it('refuses a capacity above a lowered server maximum and accepts the maximum', async () => {
    const server = await start({ maxCapacity: 4 });
    const probe = await server.open();
    await expectRefusal(probe, '{"type":"create","capacity":5}', 'bad-message', 'create');
    probe.send({ type: 'create', capacity: 4 });
    expect((await probe.expect('joined')).capacity).toBe(4);
  });

  it('relays data nested exactly 32 levels deep', async () => {
    const server = await start();
    const { alice, bob, b } = await pair(server);
    alice.sendText(`{"type":"signal","to":"${b.peerId}","data":${nestedData(32)}}`);
    const relayed = await bob.expect('signal');
    expect(JSON.stringify(relayed.data)).toBe(nestedData(32));
  });
});

describe('validation order: shape before state', () => {
  it('answers bad-message, not not-in-room, to a malformed signal outside a room', async () => {
    const server = await start();
    await expectRefusal(await server.open(), '{"type":"signal","to":"p","data":[]}', 'bad-message', 'signal');
  });

  it('answers bad-message, not not-in-room, to data too deep outside a room', async () => {
    const server = await start();
    await expectRefusal(await server.open(), `{"type":"signal","to":"p","data":${nestedData(33)}}`, 'bad-message', 'signal');
  });

  it('answers bad-message, not already-in-room, to a malformed create or join inside a room', async () => {
    const server = await start();
    const { alice } = await pair(server);
    await expectRefusal(alice, '{"type":"create","capacity":9}', 'bad-message', 'create');
    await expectRefusal(alice, '{"type":"join","roomId":7}', 'bad-message', 'join');
  });

  it('answers already-in-room, not room-not-found, to a join of a room that does not exist', async () => {
    const server = await start();
    const { alice } = await pair(server);
    await expectRefusal(alice, '{"type":"join","roomId":"00000000-0000-4000-8000-000000000000"}', 'already-in-room', 'join');
  });

  it('answers already-in-room, not room-full, to a join of a full room', async () => {
    const server = await start();
    const first = await pair(server);
    const { alice } = await pair(server);
    await expectRefusal(alice, JSON.stringify({ type: 'join', roomId: first.a.roomId }), 'already-in-room', 'join');
  });

  it('answers not-in-room, not peer-not-found, to a signal to nobody outside a room', async () => {
    const server = await start();
    await expectRefusal(await server.open(), '{"type":"signal","to":"nobody","data":{}}', 'not-in-room', 'signal');
  });
});

describe('state errors', () => {
  it('answers already-in-room to create or join while in a room, own room included', async () => {
    const server = await start();
    const { alice, a } = await pair(server, 3);
    await expectRefusal(alice, '{"type":"create"}', 'already-in-room', 'create');
    await expectRefusal(alice, JSON.stringify({ type: 'join', roomId: a.roomId }), 'already-in-room', 'join');
  });

  it('answers not-in-room to signal or leave outside a room, also right after leaving', async () => {
    const server = await start();
    const { alice, b } = await pair(server);
    const stranger = await server.open();
    await expectRefusal(stranger, '{"type":"leave"}', 'not-in-room', 'leave');
    alice.send({ type: 'leave' });
    await alice.expect('left');
    await expectRefusal(alice, '{"type":"leave"}', 'not-in-room', 'leave');
    await expectRefusal(alice, JSON.stringify({ type: 'signal', to: b.peerId, data: {} }), 'not-in-room', 'signal');
  });

  it('answers room-not-found to any string naming no live room', async () => {
    const server = await start();
    const { a } = await pair(server);
    const probe = await server.open();
    for (const roomId of ['', 'abc', '00000000-0000-4000-8000-000000000000', a.roomId.toUpperCase(), ` ${a.roomId}`, `${a.roomId}\n`, a.roomId.slice(0, 8), 'x'.repeat(10_000), '__proto__', 'constructor']) {
      await expectRefusal(probe, JSON.stringify({ type: 'join', roomId }), 'room-not-found', 'join');
    }
  });

  it('answers room-not-found to a room whose last peer left', async () => {
    const server = await start();
    const { probe, joined } = await server.create();
    probe.send({ type: 'leave' });
    await probe.expect('left');
    await expectRefusal(await server.open(), JSON.stringify({ type: 'join', roomId: joined.roomId }), 'room-not-found', 'join');
  });

  it('answers room-full to a join of a full room and leaves the room untouched', async () => {
    const server = await start();
    const { alice, bob, a } = await pair(server);
    await expectRefusal(await server.open(), JSON.stringify({ type: 'join', roomId: a.roomId }), 'room-full', 'join');
    expect(await alice.settle()).toEqual([]);
    expect(await bob.settle()).toEqual([]);
  });

  it('answers peer-not-found to a signal to an unknown peer, a peer of another room, or one who left', async () => {
    const server = await start();
    const { alice, a } = await pair(server, 3);
    const other = await pair(server);
    const { probe: carol, joined: c } = await server.join(a.roomId);
    carol.send({ type: 'leave' });
    await carol.expect('left');
    expect(await alice.settle()).toEqual([
      { type: 'peer-joined', peerId: c.peerId },
      { type: 'peer-left', peerId: c.peerId },
    ]);
    for (const to of ['nobody', other.a.peerId, other.b.peerId, c.peerId, '', '__proto__']) {
      await expectRefusal(alice, JSON.stringify({ type: 'signal', to, data: { x: 1 } }), 'peer-not-found', 'signal');
    }
    expect(await other.alice.settle()).toEqual([]);
    expect(await other.bob.settle()).toEqual([]);
  });
});

describe('rate-limited', () => {
  it('serves a burst of 200 frames by default, then drops frames and says rate-limited', async () => {
    const server = await start();
    const probe = await server.open();
    for (let i = 0; i < 300; i++) probe.send({ type: 'ping' });
    let pongs = 0;
    for (let frame = await probe.next(); frame.type === 'pong'; frame = await probe.next()) pongs++;
    expect(probe.frames[pongs + 1]).toEqual({ type: 'error', code: 'rate-limited', message: expect.any(String) });
    // 50 frames/s refill the bucket while the burst is read, so a few more may pass, never all.
    expect(pongs).toBeGreaterThanOrEqual(200);
    expect(pongs).toBeLessThan(300);
    expect(probe.isOpen).toBe(true);
  });

  it('drops frames over the limit unprocessed and says so once per notice interval', async () => {
    const server = await start({ rateLimit: { perSecond: 1, burst: 5, noticeIntervalMs: 60_000, abuseWindowMs: 60_000 } });
    const probe = await server.open();
    for (let i = 0; i < 20; i++) probe.send({ type: 'ping' });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await probe.next());
    expect(answers.filter((frame) => frame.type === 'pong')).toHaveLength(5);
    expect(answers.filter((frame) => frame.type === 'error')).toEqual([
      { type: 'error', code: 'rate-limited', message: expect.any(String) },
    ]);
    expect(probe.isOpen).toBe(true);
  });

  it('closes with 1008 a client still over the limit when the abuse window ends, and serves the others', async () => {
    const server = await start({ rateLimit: { perSecond: 1, burst: 5, noticeIntervalMs: 0, abuseWindowMs: 200 } });
    const flooder = await server.open();
    const bystander = await server.open();
    const timer = setInterval(() => {
      for (let i = 0; i < 10 && flooder.isOpen; i++) flooder.send({ type: 'ping' });
    }, 5);
    try {
      expect((await flooder.ended()).code).toBe(1008);
    } finally {
      clearInterval(timer);
    }
    expect(flooder.frames.some((frame) => frame.type === 'error' && frame.code === 'rate-limited')).toBe(true);
    expect(await bystander.settle()).toEqual([]);
  });
});

describe('shutting-down', () => {
  it('tells every socket shutting-down and closes it with 1012 when the server stops', async () => {
    const server = await start();
    const { alice, bob } = await pair(server);
    const idle = await server.open();
    const closing = server.close();
    for (const probe of [alice, bob, idle]) {
      expect(await probe.next()).toEqual({ type: 'error', code: 'shutting-down', message: expect.any(String) });
      expect((await probe.ended()).code).toBe(1012);
    }
    await closing;
  });
});
