// SseParser: WHATWG event-stream framing over chunks that may split anything (lines, CRLF pairs,
// UTF-8 sequences); a last frame without its blank line still counts when the stream ends.
import { describe, expect, it } from '@jest/globals';
import { SseParser, type SseEvent } from '#enterprise/aibridge/gateway/wire/sse.js';

const enc = new TextEncoder();

/** Feeds the chunks in order, then ends the stream; returns every event, in order. */
function parse(chunks: readonly Uint8Array[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

const whole = (text: string) => parse([enc.encode(text)]);

/** Every byte offset at which `bytes` can be cut in two (0 and length included: an empty chunk). */
function splitsInTwo(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return out;
}

// Every trap at once: comments, CRLF / CR / LF endings, a CR followed by a CRLF, 2-, 3- and 4-byte
// UTF-8 characters, an event name, a data field without a colon, id/retry fields, a two-space value.
const MIXED =
  ': keep-alive\r\n' +
  'event: message_start\r\n' +
  'data: {"t":"héllo — 日本 🎉"}\r\n' +
  '\r\n' +
  'data: 日本\r' +
  ': a comment between data lines\r' +
  'data: 語\r' +
  '\r' +
  'event: ping\n' +
  'data\n' +
  '\n' +
  'id: 7\n' +
  'retry: 1000\n' +
  'data:  two spaces\r\r\n' +
  'event: last\n' +
  'data: 🎉';

const MIXED_EVENTS: SseEvent[] = [
  { event: 'message_start', data: '{"t":"héllo — 日本 🎉"}' },
  { event: '', data: '日本\n語' },
  { event: 'ping', data: '' },
  { event: '', data: ' two spaces' },
  // The final frame has no blank line: end() emits it.
  { event: 'last', data: '🎉' },
];

describe('SseParser', () => {
  it('parses the mixed stream in one chunk', () => {
    expect(whole(MIXED)).toEqual(MIXED_EVENTS);
  });

  it('the mixed stream covers the hard split points (inside UTF-8 characters, between CR and LF)', () => {
    const bytes = enc.encode(MIXED);
    const crlf = [...bytes.keys()].filter((i) => bytes[i] === 13 && bytes[i + 1] === 10).map((i) => i + 1);
    const insideUtf8 = [...bytes.keys()].filter((i) => (bytes[i] & 0b1100_0000) === 0b1000_0000);
    expect(crlf.length).toBeGreaterThanOrEqual(4);
    // é (2 bytes), — and 日本語 (3 bytes), 🎉 (4 bytes): many continuation bytes to cut before.
    expect(insideUtf8.length).toBeGreaterThanOrEqual(15);
  });

  it('gives the same events however the bytes are cut in two', () => {
    const bytes = enc.encode(MIXED);
    for (const chunks of splitsInTwo(bytes)) {
      expect({ split: chunks[0].length, events: parse(chunks) }).toEqual({ split: chunks[0].length, events: MIXED_EVENTS });
    }
  });

  it('gives the same events however the bytes are cut in three', () => {
    const bytes = enc.encode(MIXED);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const events = parse([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        if (JSON.stringify(events) !== JSON.stringify(MIXED_EVENTS)) {
          expect({ cuts: [i, j], events }).toEqual({ cuts: [i, j], events: MIXED_EVENTS });
        }
      }
    }
  });

  it('gives the same events fed one byte at a time', () => {
    const bytes = enc.encode(MIXED);
    expect(parse([...bytes].map((b) => Uint8Array.of(b)))).toEqual(MIXED_EVENTS);
  });

  it('push returns only the events completed by that chunk; end() returns the rest', () => {
    const p = new SseParser();
    expect(p.push(enc.encode('data: a\n'))).toEqual([]);
    expect(p.push(enc.encode('\ndata: b\n\ndata: c'))).toEqual([
      { event: '', data: 'a' },
      { event: '', data: 'b' },
    ]);
    expect(p.push(new Uint8Array(0))).toEqual([]);
    expect(p.end()).toEqual([{ event: '', data: 'c' }]);
  });

  it('a CR at the end of a chunk waits for the next one (it may be half of a CRLF)', () => {
    const p = new SseParser();
    expect(p.push(enc.encode('data: a\r\n\r'))).toEqual([]);
    // The LF completes the CRLF: one blank line, one event (not two line ends).
    expect(p.push(enc.encode('\ndata: b\r'))).toEqual([{ event: '', data: 'a' }]);
    // Not followed by LF: the CR alone ended the line.
    expect(p.push(enc.encode('\r'))).toEqual([]);
    expect(p.push(enc.encode('x'))).toEqual([{ event: '', data: 'b' }]);
    // "x" is a field without a colon (ignored); nothing pending.
    expect(p.end()).toEqual([]);
  });

  it('a CR as the very last byte of the stream ends its line', () => {
    const p = new SseParser();
    expect(p.push(enc.encode('data: a\r'))).toEqual([]);
    expect(p.end()).toEqual([{ event: '', data: 'a' }]);
  });

  describe('line endings', () => {
    const frames = 'event: e1\ndata: one\n\ndata: two\ndata: 2b\n\n';
    const expected: SseEvent[] = [
      { event: 'e1', data: 'one' },
      { event: '', data: 'two\n2b' },
    ];
    it.each<[string, string]>([
      ['LF', frames],
      ['CRLF', frames.replace(/\n/g, '\r\n')],
      ['CR', frames.replace(/\n/g, '\r')],
      ['mixed CR / LF / CRLF', 'event: e1\rdata: one\n\r\ndata: two\r\ndata: 2b\r\r'],
    ])('%s', (_name, text) => {
      expect(whole(text)).toEqual(expected);
    });

    it('CR CR LF is two line ends (CR, then CRLF)', () => {
      expect(whole('data: a\r\r\ndata: b\n\n')).toEqual([
        { event: '', data: 'a' },
        { event: '', data: 'b' },
      ]);
    });

    it('LF CR is two line ends, not one', () => {
      expect(whole('data: a\n\rdata: b\n\n')).toEqual([
        { event: '', data: 'a' },
        { event: '', data: 'b' },
      ]);
    });
  });

  describe('fields', () => {
    it.each<[string, string, SseEvent[]]>([
      ['comments are ignored', ': hello\n:\ndata: x\n: trailing\n\n', [{ event: '', data: 'x' }]],
      ['a comment between data lines does not end the frame', 'data: a\n: c\ndata: b\n\n', [{ event: '', data: 'a\nb' }]],
      ['event: without data is not dispatched', 'event: ping\n\n', []],
      ['event: without data does not leak into the next frame', 'event: ping\n\ndata: x\n\n', [{ event: '', data: 'x' }]],
      ['the event name of a frame is reset after it', 'event: a\ndata: 1\n\ndata: 2\n\n', [{ event: 'a', data: '1' }, { event: '', data: '2' }]],
      ['event after data in the same frame still names it', 'data: 1\nevent: late\n\n', [{ event: 'late', data: '1' }]],
      ['the last event: line wins', 'event: a\nevent: b\ndata: 1\n\n', [{ event: 'b', data: '1' }]],
      ['multi-line data is joined with LF', 'data: a\ndata: b\ndata: c\n\n', [{ event: '', data: 'a\nb\nc' }]],
      ['an empty data line adds an empty line', 'data: a\ndata:\ndata: b\n\n', [{ event: '', data: 'a\n\nb' }]],
      ['"data" with no colon is an empty data line (dispatched)', 'data\n\n', [{ event: '', data: '' }]],
      ['"event" with no colon is an empty event name', 'event: a\nevent\ndata: 1\n\n', [{ event: '', data: '1' }]],
      ['an unknown field with no colon is ignored', 'foo\ndata: 1\n\n', [{ event: '', data: '1' }]],
      ['one leading space is removed', 'data: a\n\n', [{ event: '', data: 'a' }]],
      ['no leading space: value as is', 'data:a\n\n', [{ event: '', data: 'a' }]],
      ['only ONE leading space is removed', 'data:  a\n\n', [{ event: '', data: ' a' }]],
      ['a tab is not a space', 'data:\ta\n\n', [{ event: '', data: '\ta' }]],
      ['trailing spaces are kept', 'data: a  \n\n', [{ event: '', data: 'a  ' }]],
      ['"data: " is an empty value', 'data: \n\n', [{ event: '', data: '' }]],
      ['the value may contain colons', 'data: a: b:c\n\n', [{ event: '', data: 'a: b:c' }]],
      ['event name: one leading space removed', 'event:  x\ndata: 1\n\n', [{ event: ' x', data: '1' }]],
      ['id and retry are ignored', 'id: 42\nretry: 10\ndata: 1\n\n', [{ event: '', data: '1' }]],
      ['field names are case-sensitive', 'DATA: 1\nEvent: x\n\n', []],
      ['a leading space makes another field name', ' data: 1\n\n', []],
      ['garbage lines are ignored', '%%%\n{not json}\n<html>\n\n', []],
      ['garbage around a frame', '%%%\ndata: {not json\n\n%%%\n\n', [{ event: '', data: '{not json' }]],
      ['blank lines without data dispatch nothing', '\n\n\r\n\r\r', []],
      ['a BOM at the start is dropped', '\uFEFFdata: 1\n\n', [{ event: '', data: '1' }]],
      ['an empty stream', '', []],
    ])('%s', (_name, text, expected) => {
      expect(whole(text)).toEqual(expected);
    });
  });

  describe('end of stream', () => {
    it.each<[string, string, SseEvent[]]>([
      ['a final frame with no line end at all', 'data: last', [{ event: '', data: 'last' }]],
      ['a final frame with one LF', 'event: e\ndata: last\n', [{ event: 'e', data: 'last' }]],
      ['a final frame with one CRLF', 'data: last\r\n', [{ event: '', data: 'last' }]],
      ['a final multi-line frame', 'data: a\ndata: b', [{ event: '', data: 'a\nb' }]],
      ['a final event: line alone is not dispatched', 'data: 1\n\nevent: e', [{ event: '', data: '1' }]],
      ['a final comment is not an event', 'data: 1\n\n: bye', [{ event: '', data: '1' }]],
    ])('%s', (_name, text, expected) => {
      expect(whole(text)).toEqual(expected);
      const p = new SseParser();
      const pushed = p.push(enc.encode(text));
      // Nothing without a blank line is dispatched before end().
      expect([...pushed, ...p.end()]).toEqual(expected);
    });

    it('a UTF-8 character cut by the end of the stream becomes U+FFFD', () => {
      const bytes = enc.encode('data: 🎉');
      expect(parse([bytes.subarray(0, bytes.length - 1)])).toEqual([{ event: '', data: '\uFFFD' }]);
    });
  });
});
