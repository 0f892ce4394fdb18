/** Encodes rows as COPY text and streams them into a COPY in ~64 KB writes, waiting when Postgres is behind. */
import type { Writable } from 'node:stream';
import type { ColumnValue } from '../../transform/column-coercer.ts';
import { CopyStream, type RowPositions } from './copy-stream.ts';

const FLUSH_AT = 64 * 1024;
const SPECIAL = /[\\\t\n\r]/;

/** One COPY ... FROM STDIN (text format) in progress. */
export class CopyWriter {
  readonly #stream: CopyStream;
  #parts: string[] = [];
  #size = 0;
  #ended = false;

  /** True until `end` has been called. */
  get open(): boolean {
    return !this.#ended;
  }

  constructor(stream: Writable) {
    this.#stream = new CopyStream(stream);
  }

  /** Appends rows; resolves once they are buffered or handed to the socket. `at`: positions for the last two columns. */
  async write(rows: readonly (readonly ColumnValue[])[], at?: RowPositions): Promise<void> {
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let line = '';
      for (let i = 0; i < row.length; i++) {
        const value = row[i];
        line += (i ? '\t' : '') + (value === null || value === undefined ? '\\N' : typeof value !== 'string' ? String(value) : SPECIAL.test(value) ? escape(value) : value);
      }
      if (at) line += `\t${at.source}\t${at.lines[r]}`;
      this.#parts.push(line + '\n');
      this.#size += line.length + 1;
      if (this.#size >= FLUSH_AT) await this.#flush();
    }
  }

  /** Sends what is buffered and ends the COPY; resolves when Postgres has accepted every row. */
  async end(): Promise<void> {
    this.#ended = true;
    await this.#flush();
    await this.#stream.end();
  }

  async #flush(): Promise<void> {
    this.#stream.check();
    if (!this.#size) return;
    const chunk = Buffer.from(this.#parts.join(''));
    this.#parts = [];
    this.#size = 0;
    await this.#stream.send(chunk);
  }
}

function escape(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
