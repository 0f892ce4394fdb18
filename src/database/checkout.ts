/** Clients held across several queries, kept from crashing the process when their connection dies. */
import type pg from 'pg';

const guarded = new WeakSet<pg.PoolClient>();

/**
 * A client from the pool for work that spans several queries (a load, a lock). If its connection dies (the
 * server restarted), node-postgres emits 'error' on it, which would crash the process with no listener: the
 * listener here keeps it quiet, and the work's next query fails instead, as it should.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (!guarded.has(client)) {
    guarded.add(client);
    client.on('error', () => {});
  }
  return client;
}
