import { describe, expect, it } from 'vitest';
import { createClientMessageParser } from '../../protocol/parse-client-message.ts';

const parse = createClientMessageParser({ maxCapacity: 8 });

/** `data` nested `levels` objects deep: 1 is `{}`. */
function nested(levels: number): Record<string, unknown> {
  let data: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) data = { inner: data };
  return data;
}

describe('client message parser: happy path', () => {
  it.each([
    ['{"type":"create"}', { type: 'create' }],
    ['{"type":"create","capacity":2}', { type: 'create', capacity: 2 }],
    ['{"type":"create","capacity":8}', { type: 'create', capacity: 8 }],
    ['{"type":"join","roomId":"r"}', { type: 'join', roomId: 'r' }],
    ['{"type":"join","roomId":"r","resume":"t"}', { type: 'join', roomId: 'r', resume: 't' }],
    ['{"type":"signal","to":"p","data":{"candidate":null}}', { type: 'signal', to: 'p', data: { candidate: null } }],
    ['{"type":"leave"}', { type: 'leave' }],
    ['{"type":"ping"}', { type: 'ping' }],
  ])('reads %s', (text, message) => {
    // A signal also says where its `data` lies in the text, for the relay to reuse.
    const dataSpan = message.type === 'signal' ? { dataSpan: { start: text.indexOf('"data":') + 7, end: text.length - 1 } } : {};
    expect(parse(text)).toEqual({ ok: true, message, ...dataSpan });
  });

  it('drops unknown extra fields, a forged "from" included', () => {
    const text = '{"type":"signal","to":"p","data":{"a":1},"from":"someone-else","extra":[1]}';
    const result = parse(text);
    expect(result).toEqual({ ok: true, message: { type: 'signal', to: 'p', data: { a: 1 } }, dataSpan: { start: 33, end: 40 } });
    expect(text.slice(33, 40)).toBe('{"a":1}');
    expect(parse('{"type":"ping","x":1}')).toEqual({ ok: true, message: { type: 'ping' } });
  });

  it('accepts data nested 32 levels deep', () => {
    const result = parse(JSON.stringify({ type: 'signal', to: 'p', data: nested(32) }));
    expect(result.ok).toBe(true);
  });

  it('lets "__proto__" and "constructor" keys pollute nothing and keeps them out of the message', () => {
    const result = parse('{"type":"ping","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    expect(result).toEqual({ ok: true, message: { type: 'ping' } });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys((result as { message: object }).message)).toEqual(['type']);
  });

  it('relays a "__proto__" key inside data as plain data', () => {
    const result = parse('{"type":"signal","to":"p","data":{"__proto__":{"polluted":true}}}');
    expect(result.ok).toBe(true);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('client message parser: malformed frames', () => {
  it.each(['', '{', 'not json', '{"type":"ping"'])('answers bad-json to text that is not JSON: %j', (text) => {
    expect(parse(text)).toMatchObject({ ok: false, error: { code: 'bad-json' } });
  });

  it.each(['[]', '[{"type":"ping"}]', '"ping"', '1', 'null', 'true'])('answers bad-json to JSON that is not an object: %s', (text) => {
    expect(parse(text)).toMatchObject({ ok: false, error: { code: 'bad-json' } });
  });

  it.each(['{}', '{"type":1}', '{"type":null}', '{"type":["ping"]}'])('answers bad-message without ref when there is no string type: %s', (text) => {
    const result = parse(text);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-message' } });
    expect(result.ok || result.error.ref).toBeUndefined();
  });

  it('answers bad-message to an unknown type, naming it in ref', () => {
    expect(parse('{"type":"dance"}')).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'dance' } });
  });

  it('does not echo a huge unknown type', () => {
    const result = parse(JSON.stringify({ type: 'x'.repeat(1_000) }));
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-message' } });
    expect(result.ok || result.error.ref).toBeUndefined();
  });

  it.each([
    ['create', '{"type":"create","capacity":"2"}'],
    ['create', '{"type":"create","capacity":1}'],
    ['create', '{"type":"create","capacity":9}'],
    ['create', '{"type":"create","capacity":0}'],
    ['create', '{"type":"create","capacity":-3}'],
    ['create', '{"type":"create","capacity":2.5}'],
    ['create', '{"type":"create","capacity":null}'],
    ['join', '{"type":"join"}'],
    ['join', '{"type":"join","roomId":7}'],
    ['join', '{"type":"join","roomId":null}'],
    ['join', '{"type":"join","roomId":"r","resume":5}'],
    ['signal', '{"type":"signal","data":{}}'],
    ['signal', '{"type":"signal","to":"p"}'],
    ['signal', '{"type":"signal","to":3,"data":{}}'],
    ['signal', '{"type":"signal","to":"p","data":null}'],
    ['signal', '{"type":"signal","to":"p","data":[1]}'],
    ['signal', '{"type":"signal","to":"p","data":"sdp"}'],
  ])('answers bad-message with ref %s to wrongly typed fields: %s', (ref, text) => {
    expect(parse(text)).toMatchObject({ ok: false, error: { code: 'bad-message', ref } });
  });

  it('refuses data nested 33 levels deep', () => {
    const result = parse(JSON.stringify({ type: 'signal', to: 'p', data: nested(33) }));
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'signal' } });
  });

  it('refuses deep nesting through arrays too', () => {
    let inner: unknown = 1;
    for (let i = 0; i < 40; i++) inner = [inner];
    const result = parse(JSON.stringify({ type: 'signal', to: 'p', data: { list: inner } }));
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'signal' } });
  });

  it('honours the server\'s own maximum capacity', () => {
    const small = createClientMessageParser({ maxCapacity: 3 });
    expect(small('{"type":"create","capacity":3}').ok).toBe(true);
    expect(small('{"type":"create","capacity":4}')).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'create' } });
  });
});
