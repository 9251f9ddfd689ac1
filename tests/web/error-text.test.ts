import { describe, expect, it } from 'vitest';
import { clientErrorCodes, protocolErrorCodes } from '../../protocol/error-codes.ts';
import { errorText } from '../../web/lib/error-text.ts';

const everyCode = [...protocolErrorCodes, ...clientErrorCodes];
const unknownWords = errorText('a-code-from-the-future');

describe('error text', () => {
  describe('happy path', () => {
    it.each(everyCode)('says %s in its own words', (code) => {
      const words = errorText(code);
      expect(words).not.toBe(unknownWords);
      expect(words).toMatch(/^[A-Z].*[.…]$/);
      expect(words).not.toContain(code);
    });

    it('gives every code a different sentence', () => {
      const sentences = new Set(everyCode.map(errorText));
      expect(sentences.size).toBe(everyCode.length);
    });
  });

  describe('failure', () => {
    it('still says something for a code it does not know', () => {
      expect(unknownWords).toMatch(/went wrong/);
      expect(errorText('toString')).toBe(unknownWords);
    });
  });
});
