/** Statements of one backend cancelled once a signal aborts, again and again until told to stop: none then waits out a COPY or a lock. */
import type pg from 'pg';

/** How often a backend is cancelled again: a cancel that reaches it between statements is ignored, the next is not spared. */
const AGAIN_MS = 100;

/** Whether `error` is Postgres's answer to a cancel (SQLSTATE 57014, query_canceled). */
export function isCancelled(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '57014';
}

/**
 * Once `signal` aborts (at once, if it has), cancels whatever `client`'s backend runs, from a connection of `pool`,
 * every 100 ms. Resolves (without a signal, at once and without a query) to a function that stops that and resolves
 * once no cancel is in flight: call it before the client commits or goes back to its pool, or a late cancel could
 * hit its next statement or next user.
 */
export async function cancelOnAbort(signal: AbortSignal | undefined, pool: pg.Pool, client: pg.ClientBase): Promise<() => Promise<void>> {
  if (!signal) return async () => {};
  const { rows: [backend] } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = backend!.pid;
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const cancel = () => {
    if (stopped) return;
    const sent = pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {}).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  };
  const start = () => {
    cancel();
    timer = setInterval(cancel, AGAIN_MS).unref();
  };
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return async () => {
    stopped = true;
    signal.removeEventListener('abort', start);
    clearInterval(timer);
    await Promise.all(inFlight);
  };
}
