import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureEmbeddedPostgres, restartEmbeddedPostgres, stopEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import { fixtureServer } from './http-fixture.ts';
import { query, sluiceAsync, sluiceProcess, tempDir } from './helpers.ts';

describe('Postgres restarted during a run', () => {
  const state = path.join(tempDir(), '.sluice');
  let api: Awaited<ReturnType<typeof fixtureServer>>;
  before(async () => {
    api = await fixtureServer({
      '/slow': (_req, res) => { setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"n":1},{"n":2}]'), 2000); },
      '/hook': (_req, res) => { res.writeHead(200).end(); },
    });
  });
  after(async () => {
    await api.close();
    await stopEmbeddedPostgres(state);
  });

  it('the workers reconnect, and the run completes or fails cleanly with an alert; later runs work', async () => {
    const { url } = await ensureEmbeddedPostgres(state);
    const dir = tempDir();
    for (const sub of ['pipelines', 'landing']) fs.mkdirSync(path.join(dir, sub));
    fs.writeFileSync(path.join(dir, 'pipelines/p.ts'), `import { col, definePipeline, http, onFile, postgres, webhook } from 'sluice';
export default definePipeline({ name: 'restart', trigger: onFile('*', { dir: 'landing', pollSeconds: 1 }),
  source: http({ url: '${api.base}/slow', allowPrivateNetwork: ['127.0.0.1'] }),
  destination: postgres.table('restart_t', { columns: { n: col.integer() } }),
  alerts: webhook({ url: '${api.base}/hook', on: ['failure', 'success'], allowPrivateNetwork: ['127.0.0.1'] }) });`);
    await sluiceAsync(['runs', '--project', dir], { DATABASE_URL: url });
    const start = sluiceProcess(['start', '--project', dir, '--port', '0'], { DATABASE_URL: url });
    const wait = async (what: string, check: () => Promise<boolean>) => {
      for (let i = 0; !(await check().catch(() => false)); i++) {
        assert.ok(i < 400, `timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      fs.writeFileSync(path.join(dir, 'landing/one'), '1');
      await wait('the run to start', async () => (await query(url, `SELECT 1 FROM sluice.runs WHERE status = 'running'`)).length > 0);
      await restartEmbeddedPostgres(state);
      // The first run either finished after reconnecting or failed; either way it ends, and an alert says so.
      await wait('the first run to end', async () => (await query(url, `SELECT 1 FROM sluice.runs WHERE run_key LIKE 'file:one@%' AND status IN ('succeeded', 'failed')`)).length > 0
        && api.requests.some((r) => r.path === '/hook'));
      fs.writeFileSync(path.join(dir, 'landing/two'), '2');
      await wait('a run after the restart', async () => (await query(url, `SELECT 1 FROM sluice.runs WHERE run_key LIKE 'file:two@%' AND status = 'succeeded'`)).length > 0);
    } finally {
      start.kill('SIGTERM');
      await new Promise((resolve) => start.once('exit', resolve));
    }
    const [counts] = await query<{ rows: number; keys: number }>(url, `SELECT count(*)::int AS rows, (SELECT count(*)::int FROM sluice.ledger) AS keys FROM restart_t`);
    assert.equal(counts!.rows, counts!.keys * 2, 'every committed load is whole, none doubled');
  });
});
