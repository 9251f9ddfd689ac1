import { TypeCompiler } from '@sinclair/typebox/compiler';
import { clientMessageSchemas, type ClientMessage, type ClientMessageType } from './messages.ts';
import { limits } from './limits.ts';
import { displayName, maxNameLength } from './display-name.ts';
import { rawDataSpan, type DataSpan } from './raw-data.ts';

/** Why a frame was refused, ready to be sent back as an `error` message. */
export interface ProtocolError {
  code: 'bad-json' | 'bad-message';
  message: string;
  ref?: string;
}

export type ParseResult =
  | {
      ok: true;
      message: ClientMessage;
      /** A `signal`'s `data` as the sender wrote it in the frame's text, when it can be relayed as is (raw-data.ts). */
      dataSpan?: DataSpan;
    }
  | { ok: false; error: ProtocolError };

export interface ParserOptions {
  /** Largest `capacity` a `create` may ask for (the server's MAX_CAPACITY). */
  maxCapacity?: number;
}

/** One compiled checker per message type, built once at load. */
const checkers: Record<ClientMessageType, { Check(value: unknown): boolean }> = {
  create: TypeCompiler.Compile(clientMessageSchemas.create),
  join: TypeCompiler.Compile(clientMessageSchemas.join),
  peek: TypeCompiler.Compile(clientMessageSchemas.peek),
  signal: TypeCompiler.Compile(clientMessageSchemas.signal),
  leave: TypeCompiler.Compile(clientMessageSchemas.leave),
  ping: TypeCompiler.Compile(clientMessageSchemas.ping),
};

function isClientMessageType(type: string): type is ClientMessageType {
  return Object.hasOwn(checkers, type);
}

/** True when `value` nests objects and arrays no deeper than `levels`. */
function nestsWithin(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (levels === 0) return false;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    if (!nestsWithin(child, levels - 1)) return false;
  }
  return true;
}

function badMessage(message: string, ref?: string): ParseResult {
  return { ok: false, error: ref === undefined ? { code: 'bad-message', message } : { code: 'bad-message', message, ref } };
}

/**
 * Builds the parser for client frames. The parser never throws: it returns a typed message
 * holding only the fields of its type (unknown fields are dropped, so they are never relayed),
 * or a protocol error. Frame size is bounded by the socket's maxPayload before this runs;
 * nesting depth is bounded here before anything re-serialises `data`.
 */
export function createClientMessageParser(options: ParserOptions = {}): (text: string) => ParseResult {
  const maxCapacity = options.maxCapacity ?? limits.maxCapacity;

  return function parseClientMessage(text) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: { code: 'bad-json', message: 'The frame is not valid JSON.' } };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, error: { code: 'bad-json', message: 'The frame must be a JSON object.' } };
    }
    const type: unknown = (value as { type?: unknown }).type;
    if (typeof type !== 'string') return badMessage('The message has no string "type".');
    if (!isClientMessageType(type)) {
      return badMessage(`Unknown message type.`, type.length <= limits.maxRefLength ? type : undefined);
    }
    if (!checkers[type].Check(value)) return badMessage(`Malformed "${type}" message.`, type);
    return pick(type, value as ClientMessage, maxCapacity, text);
  };
}

/** The `name` field as kept (trimmed), absent, or a refusal. */
function pickName(raw: string | undefined, type: ClientMessageType): { name?: string } | ParseResult {
  if (raw === undefined) return {};
  const name = displayName(raw);
  if (name === null) return badMessage(`"name" must be 1 to ${maxNameLength} characters, without control characters.`, type);
  return { name };
}

/** Copies the known fields of a checked message and applies the rules a schema cannot hold. */
function pick(type: ClientMessageType, value: ClientMessage, maxCapacity: number, text: string): ParseResult {
  switch (value.type) {
    case 'create': {
      const name = pickName(value.name, type);
      if ('ok' in name) return name;
      if (value.capacity === undefined) return { ok: true, message: { type: 'create', ...name } };
      if (value.capacity < 2 || value.capacity > maxCapacity) {
        return badMessage(`"capacity" must be an integer from 2 to ${maxCapacity}.`, type);
      }
      return { ok: true, message: { type: 'create', capacity: value.capacity, ...name } };
    }
    case 'join': {
      const name = pickName(value.name, type);
      if ('ok' in name) return name;
      const resume = value.resume === undefined ? {} : { resume: value.resume };
      return { ok: true, message: { type: 'join', roomId: value.roomId, ...resume, ...name } };
    }
    case 'peek':
      return { ok: true, message: { type: 'peek', roomId: value.roomId } };
    case 'signal': {
      // A span found bounds the nesting already (its text nests within the limit); without
      // one, the parsed value is walked.
      const dataSpan = rawDataSpan(text);
      if (dataSpan === undefined && !nestsWithin(value.data, limits.maxDataDepth)) {
        return badMessage(`"data" nests deeper than ${limits.maxDataDepth} levels.`, type);
      }
      const message = { type: 'signal' as const, to: value.to, data: value.data };
      return dataSpan === undefined ? { ok: true, message } : { ok: true, message, dataSpan };
    }
    case 'leave':
      return { ok: true, message: { type: 'leave' } };
    case 'ping':
      return { ok: true, message: { type: 'ping' } };
  }
}
