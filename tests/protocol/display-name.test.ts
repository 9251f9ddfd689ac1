import { describe, expect, it } from 'vitest';
import { createClientMessageParser } from '../../protocol/parse-client-message.ts';
import { displayName } from '../../protocol/display-name.ts';

const parse = createClientMessageParser({ maxCapacity: 8 });

describe('display names on create and join', () => {
  describe('happy path', () => {
    it('keeps a name trimmed, on create and on join', () => {
      expect(parse('{"type":"create","capacity":4,"name":"  Bo  "}')).toEqual({ ok: true, message: { type: 'create', capacity: 4, name: 'Bo' } });
      expect(parse('{"type":"create","name":"Bo"}')).toEqual({ ok: true, message: { type: 'create', name: 'Bo' } });
      expect(parse('{"type":"join","roomId":"r","name":"Ana María"}')).toEqual({ ok: true, message: { type: 'join', roomId: 'r', name: 'Ana María' } });
    });

    it('counts characters, not UTF-16 units: 64 emoji fit', () => {
      expect(displayName('🙂'.repeat(64))).toBe('🙂'.repeat(64));
      expect(displayName('x'.repeat(64))).toBe('x'.repeat(64));
    });

    it('keeps markup-looking names as they are: the page shows them as text', () => {
      expect(displayName('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    });

    it('answers peek with the room id only', () => {
      expect(parse('{"type":"peek","roomId":"r","name":"x"}')).toEqual({ ok: true, message: { type: 'peek', roomId: 'r' } });
    });
  });

  describe('failure', () => {
    it.each([
      ['an empty name', '""'],
      ['a name of spaces', '"   "'],
      ['65 characters', JSON.stringify('x'.repeat(65))],
      ['a newline', '"Bo\\nAdmin"'],
      ['a NUL', '"Bo\\u0000"'],
      ['DEL', '"Bo\\u007f"'],
      ['a C1 control', '"Bo\\u0085"'],
      ['a number', '42'],
      ['null', 'null'],
    ])('refuses %s with bad-message', (_, name) => {
      expect(parse(`{"type":"create","name":${name}}`)).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'create' } });
      expect(parse(`{"type":"join","roomId":"r","name":${name}}`)).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'join' } });
    });

    it('refuses a peek without a string room id', () => {
      expect(parse('{"type":"peek"}')).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'peek' } });
      expect(parse('{"type":"peek","roomId":7}')).toMatchObject({ ok: false, error: { code: 'bad-message', ref: 'peek' } });
    });
  });
});
