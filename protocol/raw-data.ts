import { limits } from './limits.ts';

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;
const colon = 0x3a;

/** Index of the quote that closes the string opening at `start`, found with native `indexOf`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === backslash) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/**
 * The end (exclusive) of the JSON value starting at `start`, or -1 when an object or array in
 * it nests deeper than `maxDepth`. Only for text that `JSON.parse` already accepted.
 */
function valueEnd(text: string, start: number, maxDepth: number): number {
  const first = text.charCodeAt(start);
  if (first === quote) {
    const end = stringEnd(text, start);
    return end < 0 ? -1 : end + 1;
  }
  if (first !== openBrace && first !== openBracket) {
    let index = start;
    for (let code = first; code !== comma && code !== closeBrace && code !== closeBracket && code > 0x20; code = text.charCodeAt(++index));
    return index;
  }
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === quote) index = stringEnd(text, index);
    else if (code === openBrace || code === openBracket) {
      if (++depth > maxDepth) return -1;
    }
    else if ((code === closeBrace || code === closeBracket) && --depth === 0) return index + 1;
    if (index < 0) return -1;
  }
  return -1;
}

/** Index of the first character at or after `index` that is not JSON whitespace. */
function skipSpace(text: string, index: number): number {
  while (text.charCodeAt(index) <= 0x20) index++;
  return index;
}

/** Where the `data` member's value sits in a frame's text: `start` inclusive, `end` exclusive. */
export interface DataSpan {
  start: number;
  end: number;
}

/**
 * Where the raw text of the top-level `data` member of a client frame that `JSON.parse`
 * accepted lies, so the relay can splice the sender's own text (or bytes) into the outgoing
 * frame instead of serialising the parsed value again (docs/performance.md). It is the very
 * value the parser kept: the last `data` member, as `JSON.parse` keeps the last of duplicate keys.
 *
 * Returns `undefined` (the caller then serialises the parsed value) when the text could read
 * differently from what was checked: a key written with escapes (`"\u0064ata"`), or a value
 * whose raw text nests deeper than `limits.maxDataDepth` (duplicate keys inside it may hide
 * nesting that the parsed value dropped). A receiver therefore parses exactly what the server
 * validated, never anything deeper; and a span found proves the parsed `data` nests within
 * the limit, since it can nest no deeper than its text.
 */
export function rawDataSpan(text: string): DataSpan | undefined {
  let found: DataSpan | undefined;
  let index = skipSpace(text, 0) + 1;
  while (index < text.length) {
    index = skipSpace(text, index);
    if (text.charCodeAt(index) === closeBrace) return found;
    const keyEnd = stringEnd(text, index);
    if (keyEnd < 0) return undefined;
    const isData = keyEnd === index + 5 && text.startsWith('data', index + 1);
    for (let at = index + 1; at < keyEnd; at++) if (text.charCodeAt(at) === backslash) return undefined;
    index = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(index) !== colon) return undefined;
    const start = skipSpace(text, index + 1);
    const end = valueEnd(text, start, isData ? limits.maxDataDepth : Infinity);
    if (end < 0) return undefined;
    if (isData) found = { start, end };
    index = skipSpace(text, end);
    if (text.charCodeAt(index) === comma) index++;
  }
  return undefined;
}

/** The raw text of the top-level `data` member (see `rawDataSpan`), or `undefined`. */
export function rawDataText(text: string): string | undefined {
  const span = rawDataSpan(text);
  return span === undefined ? undefined : text.slice(span.start, span.end);
}
