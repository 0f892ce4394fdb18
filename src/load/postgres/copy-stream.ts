/** The stream side of a COPY ... FROM STDIN: chunks handed to the socket, waiting when Postgres is behind, the end awaited. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Where a batch's rows come from, for a stage that keeps positions: the object's index and each row's line. */
export interface RowPositions {
  readonly source: number;
  readonly lines: readonly number[];
}

/** A COPY's input stream with its first error kept: every later send or end throws it. */
export class CopyStream {
  readonly #stream: Writable;
  #failure: Error | undefined;

  constructor(stream: Writable) {
    this.#stream = stream;
    stream.on('error', (error: Error) => { this.#failure ??= error; });
  }

  /** Sends one chunk; resolves once it is buffered, waiting for 'drain' (which `once` rejects on 'error') if needed. */
  async send(chunk: Buffer): Promise<void> {
    this.check();
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
    this.check();
  }

  /** Ends the COPY; resolves when Postgres has accepted every row. */
  async end(): Promise<void> {
    this.check();
    const finished = once(this.#stream, 'finish');
    this.#stream.end();
    await finished;
  }

  /** Throws the stream's error, if it had one. */
  check(): void {
    if (this.#failure) throw this.#failure;
  }
}
