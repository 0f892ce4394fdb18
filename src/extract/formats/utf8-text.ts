/** Decodes a byte stream's chunks as UTF-8, telling whether the bytes were valid UTF-8 (a real U+FFFD is valid). */
import { isUtf8 } from 'node:buffer';

/** Streaming UTF-8: `decode` each chunk in order, then `end()`; `invalid` turns true once any byte was not UTF-8. */
export interface Utf8Text {
  decode(chunk: Buffer): string;
  end(): string;
  readonly invalid: boolean;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * One pass per chunk: validation and decoding both run in C++ (simdutf) on the chunk cut at its last whole
 * character; the cut-off bytes of a character are carried into the next chunk. A leading BOM is dropped, as
 * TextDecoder does. Invalid bytes decode to U+FFFD.
 */
export function utf8Text(): Utf8Text {
  let carry: Buffer | undefined;
  let started = false;
  let invalid = false;
  const take = (bytes: Buffer, end: number): string => {
    let start = 0;
    if (!started && end > 0) {
      started = true;
      if (end >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2]) start = 3;
    }
    const whole = bytes.subarray(start, end);
    if (!invalid && !isUtf8(whole)) invalid = true;
    return whole.toString('utf8');
  };
  return {
    decode(chunk) {
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
      const end = wholeCharacters(bytes);
      carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
      return take(bytes, end);
    },
    end() {
      if (!carry) return '';
      const rest = carry;
      carry = undefined;
      // A character the input cut short is not UTF-8 (and becomes U+FFFD).
      invalid = true;
      return take(rest, rest.length);
    },
    get invalid() {
      return invalid;
    },
  };
}

/** Where the last whole character of `bytes` ends: before a trailing lead byte whose continuation bytes have not come yet. */
function wholeCharacters(bytes: Buffer): number {
  for (let i = bytes.length - 1, n = 1; i >= 0 && n <= 4; i--, n++) {
    const c = bytes[i]!;
    if (c < 0x80) return bytes.length;
    if (c >= 0xc0) return n >= (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) ? bytes.length : i;
  }
  // Only continuation bytes (or too many): not a character in progress; validation decides.
  return bytes.length;
}
