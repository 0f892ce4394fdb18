import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinaryBuffer, valueEncoder } from './binary-values.ts';

/** The bytes an encoder writes for one value. */
function encode(kind: 'numeric', value: number | string): string {
  const out = new BinaryBuffer();
  valueEncoder(kind)(out, value);
  return out.buf.subarray(0, out.pos).toString('hex');
}

/** The bytes of decimal text by the general way: an exponent of 0 keeps value and scale but leaves every shortcut. */
const general = (text: string) => encode('numeric', /e/i.test(text) ? text : `${text}e0`);

let seed = 11;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

describe('binary numeric', () => {
  it('of a number is the numeric of its String(): the same digits, weight, sign and display scale', () => {
    const values = [0, -0, 1, -1, 0.5, 0.42388, 123.4567, 1e-6, 1.5e-6, 9.99e-7, 999999999999999, 1e15, 123456789012.345, 0.1 + 0.2, 10000,
      100000000, 0.0001, 0.00012, -7.25, 5e-5, 99999.9999, 0.000001234567, 2 ** 53, 1e21, 5e-324, -1e-7];
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** Math.floor(random() * 16 - 6);
      values.push(+((random() - 0.3) * magnitude).toFixed(Math.floor(random() * 13)), (random() - 0.5) * magnitude);
    }
    for (const v of values) assert.equal(encode('numeric', v), general(String(v)), `${v}`);
  });

  it('of short decimal text is what the general way makes of it', () => {
    const values = ['0', '-0', '-0.000', '+.5', '5.', '.0001', '0001234.5000', '123456789012.345', '999999999999999', '-999999999999999',
      '0.000000000001', '0.0000000000001', '1234567890123456', '10000', '9999.9999', '100000000.0001', '+0', '00000000000000000001.5'];
    for (let i = 0; i < 20_000; i++) {
      const whole = String(Math.floor(random() * 10 ** Math.floor(random() * 16))).padStart(Math.floor(random() * 4), '0');
      const fraction = String(Math.floor(random() * 1e12)).padStart(12, '0').slice(0, Math.floor(random() * 14));
      const sign = ['', '-', '+'][Math.floor(random() * 3)];
      values.push(`${sign}${whole}${random() < 0.8 ? `.${fraction}` : ''}`);
    }
    for (const v of values) if (/\d/.test(v)) assert.equal(encode('numeric', v), general(v), v);
  });
});
