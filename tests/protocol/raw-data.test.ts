import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limits } from '../../protocol/limits.ts';
import { signalFrame, signalFrameOfText } from '../../machines/room/frames.ts';
import { rawDataText } from '../../protocol/raw-data.ts';

/** Nested arrays `levels` deep around `inner`. */
const nested = (levels: number, inner = '0') => '['.repeat(levels) + inner + ']'.repeat(levels);

describe('the raw data text a relayed signal reuses', () => {
  it('reads as the very value the parser kept, however the sender wrote the frame', () => {
    const data = fc.dictionary(fc.string(), fc.jsonValue({ depthSize: 'small', maxDepth: 6 }));
    // Top-level keys written without escapes (escaped ones are refused, below); keys inside data are free.
    const plainKey = fc.string().filter((key) => key !== 'data' && JSON.stringify(key) === `"${key}"`);
    const others = fc.dictionary(plainKey, fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(data, others, fc.boolean(), fc.constantFrom(undefined, 0, 2, '\t'), (value, extra, dataFirst, indent) => {
        const fields = dataFirst ? { data: value, type: 'signal', to: 'p', ...extra } : { type: 'signal', to: 'p', ...extra, data: value };
        const text = JSON.stringify(fields, null, indent);
        const raw = rawDataText(text);
        expect(raw).toBeDefined();
        expect(JSON.parse(raw!)).toEqual(JSON.parse(text).data);
        expect(JSON.parse(signalFrameOfText('peer-1', raw!))).toEqual(JSON.parse(signalFrame('peer-1', value)));
      }),
    );
  });

  it('keeps strings whole: escaped quotes, backslashes and brackets inside them end nothing', () => {
    const text = '{"type":"signal","to":"p","data":{"sdp":"a\\\\\\"}]{[\\\\","n":[1,{"x":"\\""}]}}';
    expect(JSON.parse(rawDataText(text)!)).toEqual(JSON.parse(text).data);
  });

  it('takes the last of two data members, as JSON.parse does', () => {
    const text = '{"type":"signal","to":"p","data":{"first":1},"data":{"second":2}}';
    expect(rawDataText(text)).toBe('{"second":2}');
  });

  it('gives up on a key written with escapes, which could name another member than it seems to', () => {
    expect(rawDataText('{"type":"signal","to":"p","data":{"a":1},"\\u0064ata":{"b":[[1]]}}')).toBeUndefined();
  });

  it('gives up on raw text nesting deeper than the limit, even where the parsed value does not', () => {
    const hidden = `{"type":"signal","to":"p","data":{"a":${nested(limits.maxDataDepth)},"a":1}}`;
    expect(JSON.parse(hidden).data).toEqual({ a: 1 });
    expect(rawDataText(hidden)).toBeUndefined();

    const deepest = `{"type":"signal","to":"p","data":{"a":${nested(limits.maxDataDepth - 1)}}}`;
    expect(rawDataText(deepest)).toBe(`{"a":${nested(limits.maxDataDepth - 1)}}`);
  });

  it('reads numbers, literals and strings as data, not only objects', () => {
    for (const value of ['12.5e3', 'true', 'null', '"text"', '-0']) {
      expect(rawDataText(`{ "to" : "p" , "data" : ${value} , "type" : "signal" }`)).toBe(value);
    }
  });
});
