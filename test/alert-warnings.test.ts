import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres, webhook } from '../src/index.ts';
import { executeRun } from '../src/pipeline/execute-run.ts';
import { fixtureServer } from './http-fixture.ts';
import { harness } from './helpers.ts';

describe('alerts on runs that need attention', () => {
  let h: Awaited<ReturnType<typeof harness>>;
  const hooks = () => server.requests.filter((r) => r.path === '/hook').map((r) => (JSON.parse(r.body) as { text: string }).text);
  let server: Awaited<ReturnType<typeof fixtureServer>>;

  before(async () => {
    h = await harness();
    fs.mkdirSync(path.join(h.dir, 'nothing-here'));
    server = await fixtureServer({
      '/hook': (_req, res) => { res.writeHead(200).end('ok'); },
    });
  });
  after(async () => {
    await h.close();
    await server.close();
  });

  const pipeline = (on?: ('success' | 'failure' | 'recovery' | 'warning')[], dir = 'in') => definePipeline({
    name: 'warned', source: files('*.csv', { dir }),
    alerts: webhook({ url: `${server.base}/hook`, allowPrivateNetwork: ['127.0.0.1'], ...(on ? { on } : {}) }),
    destination: postgres.table('warned', { columns: { n: col.integer() } }),
  });
  const run = (p: ReturnType<typeof pipeline>) => executeRun(p, { projectDir: h.dir, database: h.database, lake: h.lake, alerts: { from: 'sluice@example.com' } });

  it('alerts by default when a run succeeds with warnings, and not when it succeeds cleanly', async () => {
    server.requests.length = 0;
    h.files({ 'a.csv': 'n\n1\n' });
    const clean = (await run(pipeline()))!;
    assert.equal(clean.status, 'succeeded');
    assert.deepEqual(clean.warnings, []);
    assert.deepEqual(hooks(), []);
    const empty = (await run(pipeline(undefined, 'nothing-here')))!;
    assert.equal(empty.status, 'succeeded');
    assert.match(empty.warnings.join('\n'), /nothing to extract/);
    assert.equal(hooks().length, 1);
    assert.match(hooks()[0]!, /warned: succeeded with warnings/);
    assert.match(hooks()[0]!, new RegExp(`Warning: ${empty.warnings[0]!.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('sends one alert, not two, when a rule asks for successes too', async () => {
    server.requests.length = 0;
    await run(pipeline(['success', 'warning'], 'nothing-here'));
    assert.equal(hooks().length, 1);
    assert.match(hooks()[0]!, /warned: succeeded —/);
  });

  it('stays quiet when a rule leaves warnings out', async () => {
    server.requests.length = 0;
    await run(pipeline(['failure'], 'nothing-here'));
    assert.deepEqual(hooks(), []);
  });
});
