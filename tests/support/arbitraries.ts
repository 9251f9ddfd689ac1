/**
 * fast-check arbitraries for fuzzing the signaling server: hostile frames paired with the answer
 * docs/protocol.md documents for them, whatever state the socket is in, and the pieces of valid
 * messages (signal data, extra fields) that carry the same traps. Frames are built as text so
 * that keys such as `__proto__` reach the wire exactly as written.
 */
import fc from 'fast-check';

/** What the server must answer to a hostile frame, in any socket state. */
export type Answer =
  | { kind: 'pong' }
  /** `ref` is the expected ref; with `refOptional`, leaving it out is conformant too. */
  | { kind: 'error'; code: 'bad-json' | 'bad-message'; ref: string | undefined; refOptional?: boolean }
  | { kind: 'close'; code: 1003 | 1009 };

/** One frame a misbehaving client sends, and its documented answer. */
export interface HostileFrame {
  /** What kind of frame this is, for counterexamples. */
  label: string;
  payload: string | Uint8Array;
  binary: boolean;
  answer: Answer;
}

/** The server settings the frames are built around. */
export interface FrameLimits {
  maxPayload: number;
  maxCapacity: number;
}

const knownTypes: readonly string[] = ['create', 'join', 'signal', 'leave', 'ping'];
/** Field names of client messages; extra fields never reuse them, so the message stays the same. */
const messageFields: readonly string[] = ['type', 'capacity', 'roomId', 'resume', 'to', 'data'];
/** Keys that break code which treats parsed JSON as a plain dictionary. */
const trickyKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'from', 'peerId', 'peers'];

/** `data` nested `levels` deep as objects, counting the outer object as level 1. */
export function nestedObjects(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

/** An object holding arrays nested so that the whole is `levels` deep. */
export function nestedArrays(levels: number): string {
  return `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
}

const quote = (value: unknown): string => JSON.stringify(value);

/** A key of an object: random text, or one of the names that trip naive code. */
export const objectKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(...trickyKeys),
);

const leafText: fc.Arbitrary<string> = fc
  .oneof(
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.boolean(),
    fc.constant(null),
  )
  .map(quote);

const json = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ maxDepth: 4, depthIdentifier: 'json-text' }, leafText, tie('object'), tie('array')),
  object: fc
    .array(fc.tuple(objectKey, tie('value')), { maxLength: 4 })
    .map((entries) => `{${entries.map(([key, value]) => `${quote(key)}:${value}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
}));

/** Any JSON value as text, a few levels deep, keys such as `__proto__` included. */
export const jsonText: fc.Arbitrary<string> = json.value;

/** JSON text of anything but an object. */
const nonObjectText: fc.Arbitrary<string> = fc.oneof(leafText, json.array);

/** JSON text of anything but a string. */
const nonStringText: fc.Arbitrary<string> = fc.oneof(leafText.filter((value) => !value.startsWith('"')), json.array, json.object);

/**
 * Extra fields of a client message as text to splice after its known fields (`,"k":v...`):
 * unknown names, tricky keys, and a forged `from`. Never a name the message itself uses.
 */
export const extraFields: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.tuple(objectKey.filter((key) => !messageFields.includes(key)), jsonText),
      fc.tuple(fc.constant('from'), fc.string({ maxLength: 16 }).map(quote)),
    ),
    { maxLength: 3 },
  )
  .map((entries) => entries.map(([key, value]) => `,${quote(key)}:${value}`).join(''));

/** A valid signal `data` object as text: what browsers send, random objects, and exactly 32 levels. */
export function signalDataText(limits: FrameLimits): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: json.object, weight: 8 },
    {
      arbitrary: fc.constantFrom(
        '{"description":{"type":"offer","sdp":"v=0\\r\\no=- 46117 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\n"}}',
        '{"candidate":{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"uf"}}',
        '{"candidate":null}',
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      ),
      weight: 2,
    },
    { arbitrary: fc.integer({ min: 1, max: 32 }).map(nestedObjects), weight: 1 },
    { arbitrary: fc.constantFrom(nestedObjects(32), nestedArrays(32)), weight: 1 },
    {
      arbitrary: fc.integer({ min: 0, max: limits.maxPayload - 600 }).map((length) => `{"pad":${quote('x'.repeat(length))}}`),
      weight: 1,
    },
  );
}

/** A `ping` frame of exactly `bytes` bytes, padded with `fill` (any UTF-8 width) in an unknown field. */
export function pingOfBytes(bytes: number, fill: string): string {
  const frame = (pad: string): string => `{"type":"ping","pad":"${pad}"}`;
  const room = bytes - Buffer.byteLength(frame(''));
  const pad = fill.repeat(Math.max(0, Math.floor(room / Buffer.byteLength(fill))));
  return frame(pad + 'x'.repeat(room - Buffer.byteLength(pad)));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const badMessage = (ref: string | undefined, refOptional = false): Answer => ({ kind: 'error', code: 'bad-message', ref, refOptional });
const text = (label: string, payload: string, answer: Answer): HostileFrame => ({ label, payload, binary: false, answer });

/** Frames that are not JSON at all: bad-json, no ref. */
function notJson(): fc.Arbitrary<HostileFrame> {
  return fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('', ' ', '{', '}', 'null null', 'NaN', 'undefined', "{'type':'ping'}", '{"type":"ping",}', '{"type":"ping"}{"type":"ping"}', '\ufeff{"type":"ping"}'),
      fc.tuple(fc.constantFrom('{"type":"ping"}', '{"type":"create","capacity":3}', '{"type":"signal","to":"p","data":{"a":[1,2]}}'), fc.nat()).map(([whole, cut]) => whole.slice(0, cut % whole.length)),
    )
    .filter((payload) => !isJson(payload))
    .map((payload) => text('not JSON', payload, { kind: 'error', code: 'bad-json', ref: undefined }));
}

/** JSON that is not an object, 5,000-level arrays included: bad-json, no ref. */
function notAnObject(): fc.Arbitrary<HostileFrame> {
  return fc
    .oneof(nonObjectText, fc.constantFrom('['.repeat(5000) + ']'.repeat(5000), ' 42 ', '"{\\"type\\":\\"ping\\"}"'))
    .map((payload) => text('JSON but not an object', payload, { kind: 'error', code: 'bad-json', ref: undefined }));
}

/** Objects without a string `type` (a `__proto__` holding one included): bad-message, no ref. */
function noStringType(): fc.Arbitrary<HostileFrame> {
  const entry = fc.tuple(objectKey.filter((key) => key !== 'type'), jsonText);
  const type = fc.option(nonStringText.map((value) => ['type', value] as [string, string]), { nil: undefined });
  return fc
    .tuple(fc.array(entry, { maxLength: 4 }), type, fc.nat(), fc.boolean())
    .map(([entries, typed, at, hidden]) => {
      const all = [...entries];
      if (typed) all.splice(at % (all.length + 1), 0, typed);
      if (hidden) all.push(['__proto__', '{"type":"ping"}']);
      return `{${all.map(([key, value]) => `${quote(key)}:${value}`).join(',')}}`;
    })
    .map((payload) => text('no string type', payload, badMessage(undefined)));
}

/** A string `type` no client message has: bad-message, with the type as ref or none. */
function unknownType(): fc.Arbitrary<HostileFrame> {
  return fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
        fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'PING', 'Ping', ' ping', 'ping ', 'pong', 'joined', 'welcome', 'error', 'peer-joined', 'left', 'x'.repeat(5000)),
      ).filter((type) => !knownTypes.includes(type)),
      extraFields,
    )
    .map(([type, extras]) => text('unknown type', `{"type":${quote(type)}${extras}}`, badMessage(type, true)));
}

/** `create`, `join` and `signal` with missing or wrongly typed fields, data too deep included: bad-message with the type as ref. */
function malformedKnown(limits: FrameLimits): fc.Arbitrary<HostileFrame> {
  const outOfRange = fc.oneof(
    fc.integer().filter((value) => value < 2 || value > limits.maxCapacity),
    fc.double().filter((value) => !Number.isInteger(value) || value < 2 || value > limits.maxCapacity),
  );
  const capacity = fc.oneof(outOfRange.map(quote), nonObjectText.filter((value) => !/^-?\d+$/.test(value) || !(Number(value) >= 2 && Number(value) <= limits.maxCapacity)), json.object, fc.constantFrom('1e400', '2.5', '"2"', '1', '0', '-0', String(limits.maxCapacity + 1)));
  const notString = nonStringText;
  const notData = fc.oneof(
    nonObjectText,
    fc.constantFrom(nestedObjects(33), nestedObjects(40), nestedArrays(33), nestedObjects(5000), nestedArrays(5000)),
  );
  return fc.oneof(
    fc.tuple(capacity, extraFields).map(([value, extras]) => text('bad capacity', `{"type":"create","capacity":${value}${extras}}`, badMessage('create'))),
    fc.tuple(fc.option(notString, { nil: undefined }), extraFields).map(([roomId, extras]) =>
      text('bad roomId', `{"type":"join"${roomId === undefined ? '' : `,"roomId":${roomId}`}${extras}}`, badMessage('join')),
    ),
    fc.tuple(fc.string({ maxLength: 40 }), notString).map(([roomId, resume]) =>
      text('bad resume', `{"type":"join","roomId":${quote(roomId)},"resume":${resume}}`, badMessage('join')),
    ),
    fc.tuple(fc.option(notString, { nil: undefined }), fc.option(json.object, { nil: undefined })).map(([to, data]) =>
      text('bad to', `{"type":"signal"${to === undefined ? '' : `,"to":${to}`}${data === undefined ? '' : `,"data":${data}`}}`, badMessage('signal')),
    ),
    fc.tuple(fc.string({ maxLength: 20 }), fc.option(notData, { nil: undefined })).map(([to, data]) =>
      text('bad data', `{"type":"signal","to":${quote(to)}${data === undefined ? '' : `,"data":${data}`}}`, badMessage('signal')),
    ),
  );
}

/** Valid pings carrying junk: unknown fields, tricky keys, 5,000-level nesting, padding up to the limit. */
function junkPing(limits: FrameLimits): fc.Arbitrary<HostileFrame> {
  return fc.oneof(
    extraFields.map((extras) => text('ping with extra fields', `{"type":"ping"${extras}}`, { kind: 'pong' })),
    fc.tuple(fc.constantFrom(nestedObjects(5000), nestedArrays(5000), nestedObjects(33), '{"polluted":true}'), fc.constantFrom('__proto__', 'constructor', 'prototype')).map(([deep, key]) =>
      text(`ping with a deep "${key}" field`, key === 'constructor' ? `{"type":"ping","constructor":{"prototype":${deep}}}` : `{${quote(key)}:${deep},"type":"ping"}`, { kind: 'pong' }),
    ),
    fc.tuple(fc.integer({ min: 0, max: 64 }), fc.constantFrom('x', 'é', '€', '😀')).map(([under, fill]) =>
      text(`ping ${under} bytes under the limit`, pingOfBytes(limits.maxPayload - under, fill), { kind: 'pong' }),
    ),
  );
}

/** Frames the server must close the socket for: over the size limit (1009) or binary (1003). */
export function closingFrame(limits: FrameLimits): fc.Arbitrary<HostileFrame> {
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('x', 'é', '😀')).map(([over, fill]) =>
      text(`ping ${over} bytes over the limit`, pingOfBytes(limits.maxPayload + over, fill), { kind: 'close', code: 1009 }),
    ),
    fc.integer({ min: 1, max: 100 }).map((over) => text('garbage over the limit', '{'.repeat(limits.maxPayload + over), { kind: 'close', code: 1009 })),
    fc
      .oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(Buffer.from('{"type":"ping"}'), Buffer.from('{"type":"create"}')))
      .map((bytes): HostileFrame => ({ label: 'binary frame', payload: bytes, binary: true, answer: { kind: 'close', code: 1003 } })),
  );
}

/** Any hostile frame that leaves the socket open, with its documented answer. */
export function openFrame(limits: FrameLimits): fc.Arbitrary<HostileFrame> {
  return fc.oneof(notJson(), notAnObject(), noStringType(), unknownType(), malformedKnown(limits), junkPing(limits));
}

/** Any hostile frame; closing ones are rarer, since they end the client's socket. */
export function hostileFrame(limits: FrameLimits): fc.Arbitrary<HostileFrame> {
  return fc.oneof({ arbitrary: openFrame(limits), weight: 12 }, { arbitrary: closingFrame(limits), weight: 1 });
}

/** Short text for a counterexample: the label and the start of the payload. */
export function describeFrame(frame: HostileFrame): string {
  const payload = typeof frame.payload === 'string' ? frame.payload : `<${frame.payload.length} bytes>`;
  return `${frame.label}: ${payload.length > 120 ? `${payload.slice(0, 120)}… (${payload.length} chars)` : payload}`;
}
