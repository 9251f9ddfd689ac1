/** A piece of a chat line: plain text, or a web address that opens in a new tab. */
export interface LinePart {
  text: string;
  href?: string;
}

// http and https only: a `javascript:` or `data:` address in a line stays plain text.
const webAddress = /\bhttps?:\/\/[^\s<>"]+/gi;

/**
 * Splits a chat line into plain text and links to the web addresses in it. Punctuation that ends
 * the sentence is not part of the address ("see https://example.com/a."), and a closing
 * parenthesis is only when the address opened one (https://en.wikipedia.org/wiki/Mesh_(networking)).
 */
export function chatLineParts(line: string): LinePart[] {
  const parts: LinePart[] = [];
  let done = 0;
  for (const match of line.matchAll(webAddress)) {
    const href = withoutTrailingPunctuation(match[0]);
    if (match.index > done) parts.push({ text: line.slice(done, match.index) });
    parts.push({ text: href, href });
    done = match.index + href.length;
  }
  if (done < line.length) parts.push({ text: line.slice(done) });
  return parts;
}

function withoutTrailingPunctuation(address: string): string {
  let end = address.length;
  while (end > 0) {
    const last = address[end - 1]!;
    const unbalanced = last === ')' && count(address.slice(0, end), '(') < count(address.slice(0, end), ')');
    if (!(/[.,;:!?'\]]/.test(last) || unbalanced)) break;
    end--;
  }
  return address.slice(0, end);
}

function count(text: string, character: string): number {
  return text.split(character).length - 1;
}
