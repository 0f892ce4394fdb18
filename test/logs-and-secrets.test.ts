import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureServer } from './http-fixture.ts';
import { freshDatabase, query, sluiceAsync, tempDir } from './helpers.ts';

const CANARY = 'canary-7f3e9d1c5b';

/** A project with one pipeline file, its own lake. */
function project(pipeline: string): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'pipelines'));
  fs.writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline);
  return dir;
}

describe('run logs and secrets', () => {
  let url: string;
  let api: Awaited<ReturnType<typeof fixtureServer>>;
  before(async () => {
    url = await freshDatabase();
    await sluiceAsync(['runs', '--project', tempDir()], { DATABASE_URL: url }); // creates sluice's schema
    api = await fixtureServer({
      '/slow': (_req, res) => { setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"n":1},{"n":2}]'), 1500); },
      '/items': (req, res) => res.writeHead(req.headers.authorization === `Bearer ${CANARY}` ? 200 : 401, { 'content-type': 'application/json' }).end('[{"n":1}]'),
      '/hook': (_req, res) => { res.writeHead(200).end(); },
    });
  });
  after(() => api.close());

  it('keeps a structured log of each run, in the database and the lake, and follows a live run', async () => {
    const dir = project(`import { col, definePipeline, http, postgres } from 'sluice';
export default definePipeline({ name: 'slow', source: http({ url: '${api.base}/slow', allowPrivateNetwork: ['127.0.0.1'] }),
  destination: postgres.table('slow_t', { columns: { n: col.integer() } }) });`);
    const env = { DATABASE_URL: url };
    const running = sluiceAsync(['run', 'slow', '--project', dir, '--json'], env);
    let runId: string | undefined;
    for (let i = 0; !runId && i < 100; i++) {
      runId = (await query<{ run_id: string }>(url, `SELECT run_id FROM sluice.runs WHERE pipeline = 'slow' AND status = 'running'`))[0]?.run_id;
      if (!runId) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(runId, 'the run started');
    const followed = await sluiceAsync(['logs', runId, '--follow', '--project', dir], env);
    const result = JSON.parse((await running).stdout);
    assert.equal(result.status, 'succeeded');
    assert.match(followed.stdout, /info  run started .*attempt=1/);
    assert.match(followed.stdout, /info  landed .*object=page-0001\.json/);
    assert.match(followed.stdout, /info  run finished .*status=succeeded/);
    const lines = fs.readFileSync(path.join(dir, '.sluice/lake/logs/slow', `${runId}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.length >= 5 && lines.every((l) => l.runId === runId && l.pipeline === 'slow'));
  });

  it('never shows a secret: not as a database password, an API token or inside a failing URL', async () => {
    const role = `canary_${Date.now()}`;
    await query(url, `CREATE ROLE ${role} LOGIN PASSWORD '${CANARY}'; GRANT ALL ON DATABASE ${new URL(url).pathname.slice(1)} TO ${role}; GRANT ALL ON SCHEMA public, sluice TO ${role};
      GRANT ALL ON ALL TABLES IN SCHEMA sluice TO ${role}`);
    const canaryUrl = Object.assign(new URL(url), { username: role, password: CANARY }).toString();
    const dir = project(`import { col, definePipeline, http, postgres, secret, webhook } from 'sluice';
export default definePipeline({ name: 'canary',
  params: { path: 'items' },
  source: ({ path }) => http({ url: '${api.base}/' + path, auth: { kind: 'bearer', token: secret('API_TOKEN') }, allowPrivateNetwork: ['127.0.0.1'] }),
  destination: postgres.table('canary_t', { columns: { n: col.integer() } }),
  alerts: webhook({ url: '${api.base}/hook', on: ['success', 'failure'], allowPrivateNetwork: ['127.0.0.1'] }) });`);
    const env = { DATABASE_URL: canaryUrl, API_TOKEN: CANARY };
    const ok = await sluiceAsync(['run', 'canary', '--project', dir], env);
    assert.equal(ok.status, 0, ok.stderr);
    const failing = await sluiceAsync(['run', 'canary', '--project', dir, '--param', `path=missing/${CANARY}/x`], env);
    assert.equal(failing.status, 1);
    assert.match(failing.stdout, /error    GET http:\/\/127\.0\.0\.1:\d+\/missing\/\*\*\*\/x: 404 Not Found/);
    const logs = await sluiceAsync(['logs', JSON.parse((await sluiceAsync(['runs', '--project', dir, '--json'], env)).stdout)[0].runId, '--project', dir], env);

    const everything = [
      ok.stdout, ok.stderr, failing.stdout, failing.stderr, logs.stdout,
      JSON.stringify(await query(url, `SELECT * FROM sluice.runs WHERE pipeline = 'canary'`)),
      JSON.stringify(await query(url, `SELECT l.* FROM sluice.run_logs l JOIN sluice.runs r USING (run_id) WHERE r.pipeline = 'canary'`)),
      JSON.stringify(await query(url, `SELECT * FROM sluice.alerts WHERE pipeline = 'canary'`)),
      ...api.requests.filter((r) => r.path === '/hook').map((r) => r.body),
      ...fs.readdirSync(path.join(dir, '.sluice/lake/logs/canary')).map((f) => fs.readFileSync(path.join(dir, '.sluice/lake/logs/canary', f), 'utf8')),
    ].join('\n');
    assert.ok(everything.includes('404 Not Found'), 'the failure itself is reported');
    assert.equal(everything.includes(CANARY), false, 'the canary appears nowhere');
    assert.equal(api.requests.filter((r) => r.path === '/hook').length, 2);
  });
});
