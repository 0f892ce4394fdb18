import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { col, definePipeline, email, files, parquet, postgres } from '../src/index.ts';
import { executeRun } from '../src/pipeline/execute-run.ts';
import { harness, sluice, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('checks in runs', () => {
  let h: Harness;
  const mails: ParsedMail[] = [];
  let smtp: SMTPServer;
  let smtpUrl = '';
  before(async () => {
    h = await harness();
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'],
      onData: (stream, _session, done) => void simpleParser(stream).then((mail) => { mails.push(mail); done(); }, done),
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await h.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const guarded = definePipeline({
    name: 'guarded', source: files('*.csv', { dir: 'in' }),
    destination: postgres.table('guarded', { columns: { id: col.bigint(), amount: col.numeric(12, 2), code: col.text() }, write: { mode: 'merge', key: ['id'] } }),
    checks: [
      { kind: 'range', column: 'amount', min: 0 },
      { kind: 'pattern', column: 'code', regex: '^[A-Z]{2}$', warn: true },
    ],
    alerts: email({ to: 'data@example.com', on: ['success', 'failure'] }),
  });
  const run = async () => (await executeRun(guarded, { projectDir: h.dir, database: h.database, lake: h.lake, alerts: { smtpUrl, from: 'sluice@example.com', dashboardUrl: 'http://127.0.0.1:4680' } }))!;

  it('a failing blocking check fails the run, naming it and its first failing values, and leaves target, ledger and rejects untouched; the fixed input then loads', async () => {
    h.files({ 'a.csv': 'id,amount,code\n1,10,AB\n2,20,CD\n' });
    const first = await run();
    assert.equal(first.status, 'succeeded', first.error ?? '');
    assert.deepEqual(first.checks.map((c) => [c.name, c.status]), [['amount >= 0', 'passed'], ['code matches /^[A-Z]{2}$/', 'passed']]);
    const ledgerBefore = await h.rows(`SELECT run_key, counts FROM sluice.ledger WHERE pipeline = 'guarded' ORDER BY committed_at`);

    // Row 3 has a negative amount (blocking), row 4 a lowercase code (a warning), row 5 an amount that is not a number (a reject).
    h.files({ 'b.csv': 'id,amount,code\n1,11,AB\n3,-5,EF\n4,40,gh\n5,x,IJ\n' });
    const failed = await run();
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'check "amount >= 0" failed: 1 of 3 rows are outside 0..∞ (first: -5.00 at b.csv line 3); nothing was loaded');
    assert.deepEqual(failed.checks.map((c) => [c.name, c.status, c.failingRows]), [['amount >= 0', 'failed', 1], ['code matches /^[A-Z]{2}$/', 'warned', 1]]);
    assert.deepEqual(await h.rows('SELECT id::int, amount::float8 FROM guarded ORDER BY id'), [{ id: 1, amount: 10 }, { id: 2, amount: 20 }]);
    assert.deepEqual(await h.rows(`SELECT run_key, counts FROM sluice.ledger WHERE pipeline = 'guarded' ORDER BY committed_at`), ledgerBefore);
    // The committed rejects are untouched; the failed run keeps only its own, under its run id, for diagnosis.
    assert.deepEqual(await h.rows('SELECT DISTINCT run_id FROM sluice.rejects WHERE run_id <> $1', [failed.runId]), []);
    // Recorded all the same, with the failing rows' file and line.
    const recorded = await h.rows<{ name: string; status: string; samples: Record<string, unknown>[] }>(
      'SELECT name, status, samples FROM sluice.check_results WHERE run_id = $1 ORDER BY seq', [failed.runId]);
    assert.deepEqual(recorded.map((r) => [r.name, r.status]), [['amount >= 0', 'failed'], ['code matches /^[A-Z]{2}$/', 'warned']]);
    assert.deepEqual(recorded[0]!.samples.map((s) => [s.__source, Number(s.__line), Number(s.id)]), [['b.csv', 3, 3]]);
    // The failure alert carries the results.
    const mail = mails.at(-1)!;
    assert.match(mail.text!, /Error: check "amount >= 0" failed: 1 of 3 rows are outside/);
    assert.match(mail.text!, /Checks: 0 passed, 1 warned, 1 failed/);
    assert.match(mail.text!, /  failed: amount >= 0: 1 of 3 rows are outside 0\.\.∞ \(first: -5\.00 at b\.csv line 3\)/);
    assert.match(mail.text!, /  warned: code matches \/\^\[A-Z\]\{2\}\$\/: 1 of 3 rows do not match/);

    h.files({ 'b.csv': 'id,amount,code\n1,11,AB\n3,5,EF\n4,40,gh\n5,x,IJ\n' });
    const retried = await run();
    assert.equal(retried.status, 'succeeded', retried.error ?? '');
    assert.deepEqual(retried.checks.map((c) => c.status), ['passed', 'warned']);
    assert.deepEqual(await h.rows('SELECT id::int, amount::float8 FROM guarded ORDER BY id'), [{ id: 1, amount: 11 }, { id: 2, amount: 20 }, { id: 3, amount: 5 }, { id: 4, amount: 40 }]);
    assert.equal((await h.rows('SELECT * FROM sluice.rejects WHERE run_id = $1', [retried.runId])).length, 1);
    assert.match(mails.at(-1)!.text!, /Checks: 1 passed, 1 warned, 0 failed/);
  });

  it('a unique key on the merge key passes without a scan once in-batch duplicates are resolved; other columns are still scanned', async () => {
    const keyed = definePipeline({
      name: 'keyed', source: files('k*.csv', { dir: 'in' }),
      destination: postgres.table('keyed', { columns: { id: col.bigint(), day: col.date(), code: col.text() }, write: { mode: 'merge', key: ['id'] } }),
      checks: [{ kind: 'unique', column: 'id' }, { kind: 'uniqueKey', key: ['id', 'day'] }, { kind: 'unique', column: 'code' }],
    });
    // id 1 twice: the later row wins, so the rows checked hold each id once.
    h.files({ 'k1.csv': 'id,day,code\n1,2026-01-01,AB\n1,2026-01-02,CD\n2,2026-01-01,EF\n' });
    const loaded = await h.run(keyed);
    assert.equal(loaded.status, 'succeeded', loaded.error ?? '');
    assert.deepEqual(loaded.checks.map((c) => [c.name, c.status, c.failingRows, c.message]), [
      ['id unique', 'passed', 0, 'no id appears twice (guaranteed by the merge key\'s duplicate resolution)'],
      ['unique key (id, day)', 'passed', 0, 'no id, day appears twice (guaranteed by the merge key\'s duplicate resolution)'],
      ['code unique', 'passed', 0, 'no code appears twice'],
    ]);
    assert.deepEqual(await h.rows('SELECT id::int, code FROM keyed ORDER BY id'), [{ id: 1, code: 'CD' }, { id: 2, code: 'EF' }]);
    h.files({ 'k2.csv': 'id,day,code\n3,2026-01-01,GH\n4,2026-01-01,GH\n' });
    const failed = await h.run(keyed);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.checks.map((c) => [c.name, c.status]), [['id unique', 'passed'], ['unique key (id, day)', 'passed'], ['code unique', 'failed']]);
  });

  it('shows a run\'s checks on its dashboard page', async () => {
    const [last] = await h.rows<{ run_id: string }>(`SELECT run_id FROM sluice.runs WHERE pipeline = 'guarded' AND status = 'failed'`);
    const app = createDashboard({ token: 'tok-checks-0123456789', database: h.database, lake: h.lake, pipelines: [guarded], lakePlaces: { cacheDir: h.dir }, runNow: async () => '' });
    const page = await (await app.request(`/runs/${last!.run_id}`, { headers: { cookie: 'sluice_token=tok-checks-0123456789' } })).text();
    assert.match(page, /amount &gt;= 0<\/td><td>amount<\/td><td><span class="status failed">failed<\/span><\/td>\s*<td>1<\/td>/);
    assert.match(page, /<td>3<\/td><td>EF<\/td><td>-5.00<\/td><td>b\.csv<\/td><td>3<\/td>/);
  });

  it('runs the checks of a Parquet destination with DuckDB over the staged file, writing nothing when one fails', async () => {
    const lakeOnly = definePipeline({
      name: 'lake-only', source: files('*.csv', { dir: 'in' }),
      destination: parquet.table('lake_only', { columns: { id: col.bigint(), code: col.text() } }),
      checks: [{ kind: 'unique', column: 'id' }, { kind: 'maxLength', column: 'code', max: 2 }],
    });
    h.files({ 'c.csv': 'id,code\n1,AB\n1,CDE\n' });
    const failed = await h.run(lakeOnly);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!, /^2 checks failed: "id unique": 1 value appears more than once \(2 rows\) \(first: 1, 1\); "code at most 2 characters": 1 of 2 rows are longer than 2 characters \(first: CDE\); nothing was loaded$/);
    assert.ok(!fs.existsSync(path.join(h.dir, 'lake/curated/lake_only')) || !fs.readdirSync(path.join(h.dir, 'lake/curated/lake_only'), { recursive: true }).some((f) => String(f).endsWith('.parquet')));
    h.files({ 'c.csv': 'id,code\n1,AB\n2,CD\n' });
    const loaded = await h.run(lakeOnly);
    assert.equal(loaded.status, 'succeeded', loaded.error ?? '');
    assert.deepEqual(loaded.checks.map((c) => c.status), ['passed', 'passed']);
  });

  it('prints the results in the run summary and under checks in --json', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'pipelines'));
    fs.mkdirSync(path.join(dir, 'in'));
    fs.writeFileSync(path.join(dir, 'in/a.csv'), 'id,code\n1,AB\n2,x\n');
    fs.writeFileSync(path.join(dir, 'sluice.config.ts'), `export default { database: { url: ${JSON.stringify(h.url)} }, lake: 'lake' };\n`);
    fs.writeFileSync(path.join(dir, 'pipelines/coded.ts'), `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'coded', source: files('*.csv', { dir: 'in' }),
  destination: postgres.table('coded', { columns: { id: col.bigint(), code: col.text() } }),
  checks: [{ kind: 'notNull', column: 'id' }, { kind: 'accepted', column: 'code', values: ['AB', 'CD'], warn: true }] });\n`);
    const json = sluice(['run', 'coded', '--project', dir, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.deepEqual(out.checks.map((c: Record<string, unknown>) => [c.name, c.kind, c.column, c.status, c.blocking, c.failingRows]),
      [['id not null', 'notNull', 'id', 'passed', true, 0], ['code in (AB, CD)', 'accepted', 'code', 'warned', false, 1]]);
    // Without a transform the file went straight into COPY: the sample knows its file, not its line.
    assert.deepEqual(out.checks[1].samples.map((s: Record<string, unknown>) => [s.code, s.__source, s.__line]), [['x', 'a.csv', null]]);
    fs.writeFileSync(path.join(dir, 'in/b.csv'), 'id,code\n3,AB\n');
    const text = sluice(['run', 'coded', '--project', dir]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /\n  checks   2 passed, 0 warned, 0 failed\n/);
  });
});
