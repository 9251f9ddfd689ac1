import { describe, expect, it } from 'vitest';
import { chatLineParts } from '../../../web/lib/talk/chat-links.ts';

describe('links in a chat line', () => {
  describe('happy path', () => {
    it('turns each http and https address into a link and keeps the text around it', () => {
      expect(chatLineParts('notes at https://example.com/a?b=1#c and http://10.0.0.2:8080/x')).toEqual([
        { text: 'notes at ' },
        { text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
        { text: ' and ' },
        { text: 'http://10.0.0.2:8080/x', href: 'http://10.0.0.2:8080/x' },
      ]);
    });

    it('leaves a line without addresses as one piece of text', () => {
      expect(chatLineParts('no links here, just www and example.com')).toEqual([{ text: 'no links here, just www and example.com' }]);
      expect(chatLineParts('')).toEqual([]);
    });

    it('leaves the punctuation that ends a sentence out of the address', () => {
      expect(chatLineParts('see https://example.com/a.')).toEqual([{ text: 'see ' }, { text: 'https://example.com/a', href: 'https://example.com/a' }, { text: '.' }]);
      expect(chatLineParts('(https://example.com/b), ok?')[1]).toEqual({ text: 'https://example.com/b', href: 'https://example.com/b' });
      expect(chatLineParts("it's 'https://example.com/c'!")[1]).toEqual({ text: 'https://example.com/c', href: 'https://example.com/c' });
    });

    it('keeps a closing parenthesis that the address itself opened', () => {
      const address = 'https://en.wikipedia.org/wiki/Mesh_(networking)';
      expect(chatLineParts(`read ${address}.`)).toEqual([{ text: 'read ' }, { text: address, href: address }, { text: '.' }]);
    });
  });

  describe('bad input', () => {
    it('never makes a link of another scheme, or of text that only looks like markup', () => {
      for (const line of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '<a href="https://example.com">x</a>', 'https://', 'xhttps://example.com']) {
        const links = chatLineParts(line).filter((part) => part.href !== undefined);
        for (const link of links) expect(link.href).toMatch(/^https?:\/\/[^\s<>"]+$/);
        expect(chatLineParts(line).map((part) => part.text).join('')).toBe(line);
      }
      expect(chatLineParts('javascript:alert(1)')).toEqual([{ text: 'javascript:alert(1)' }]);
      expect(chatLineParts('https://')).toEqual([{ text: 'https://' }]);
    });
  });
});
