import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8Text } from './utf8-text.ts';

/** Decodes `bytes` cut at `cuts` with utf8Text. */
function decodeInChunks(bytes: Buffer, cuts: readonly number[]) {
  const text = utf8Text();
  let out = '';
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out += text.decode(bytes.subarray(from, cut));
    from = cut;
  }
  return { out: out + text.end(), invalid: text.invalid };
}

function strictlyValid(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('utf8Text', () => {
  it('decodes as TextDecoder does and tells invalid bytes apart, wherever the chunks are cut', () => {
    // Seeded: mostly ASCII and valid 2-4 byte characters, sometimes a stray or truncated byte.
    let state = 12345;
    const next = (n: number) => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % n;
    const pieces = ['a', ',', '\n', 'é', '東', '😀', '\uFFFD', '\uFEFF'].map((s) => Buffer.from(s));
    const broken = [Buffer.from([0xff]), Buffer.from([0xe6, 0x9d]), Buffer.from([0x80]), Buffer.from([0xf0, 0x9f, 0x98])];
    for (let round = 0; round < 2000; round++) {
      const parts = Array.from({ length: 1 + next(20) }, () => (next(40) === 0 ? broken[next(broken.length)]! : pieces[next(pieces.length)]!));
      const bytes = Buffer.concat(parts);
      const cuts = Array.from({ length: next(5) }, () => next(bytes.length + 1)).sort((a, b) => a - b);
      const { out, invalid } = decodeInChunks(bytes, cuts);
      const valid = strictlyValid(bytes);
      assert.equal(invalid, !valid, `bytes ${bytes.toString('hex')} cut at ${cuts}`);
      if (valid) assert.equal(out, new TextDecoder('utf-8').decode(bytes), `bytes ${bytes.toString('hex')} cut at ${cuts}`);
    }
  });

  it('drops a leading BOM even when it is split across chunks, and keeps a later one', () => {
    const bytes = Buffer.from('\uFEFFa\uFEFFb');
    assert.deepEqual(decodeInChunks(bytes, [1, 2]), { out: 'a\uFEFFb', invalid: false });
  });

  it('calls input that ends inside a character invalid', () => {
    assert.deepEqual(decodeInChunks(Buffer.from([0x61, 0xe6, 0x9d]), []), { out: 'a\uFFFD', invalid: true });
  });
});
