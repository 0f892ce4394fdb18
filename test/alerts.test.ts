import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { col, definePipeline, email, files, postgres, webhook } from '../src/index.ts';
import { executeRun } from '../src/pipeline/execute-run.ts';
import { fixtureServer } from './http-fixture.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('alerts', () => {
  let h: Harness;
  const mails: ParsedMail[] = [];
  const hooks: Record<string, unknown>[] = [];
  let smtp: SMTPServer;
  let smtpUrl = '';
  let hookServer: Awaited<ReturnType<typeof fixtureServer>>;

  before(async () => {
    h = await harness();
    // A real SMTP server on loopback; it requires the credentials sluice is configured with.
    smtp = new SMTPServer({
      authOptional: false, disabledCommands: ['STARTTLS'],
      onAuth: (auth, _session, done) => (auth.username === 'alerts' && auth.password === 'pw' ? done(null, { user: 'alerts' }) : done(new Error('bad login'))),
      onData: (stream, _session, done) => void simpleParser(stream).then((mail) => { mails.push(mail); done(); }, done),
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://alerts:pw@127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
    hookServer = await fixtureServer({
      '/hooks/T000/secret-path': (_req, res) => { res.writeHead(200).end('ok'); },
      '/hooks/broken': (_req, res) => { res.writeHead(500).end('no'); },
    });
  });
  after(async () => {
    await h.close();
    await hookServer.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const settings = () => ({ smtpUrl, from: 'sluice <sluice@example.com>', dashboardUrl: 'http://127.0.0.1:4680' });
  const pipeline = (alerts: Parameters<typeof definePipeline>[0]['alerts']) => definePipeline({
    name: 'alerted', source: files('*.csv', { dir: 'in' }), alerts,
    destination: postgres.table('alerted', { columns: { n: col.integer() } }),
  });
  const run = async (p: ReturnType<typeof pipeline>) => (await executeRun(p, { projectDir: h.dir, database: h.database, lake: h.lake, alerts: settings() }))!;

  it('emails on every attempted run with the configured subject, counts, error, rejects and a link', async () => {
    const p = pipeline(email({ to: 'data@example.com', subject: 'Stocks_Team_Pipeline_{{Status}}', on: ['success', 'failure'] }));
    h.files({ 'a.csv': 'n\n1\nx\n' });
    const ok = await run(p);
    h.files({ 'b.csv': 'n\n2\n' });
    await h.rows('ALTER TABLE alerted ADD COLUMN required int NOT NULL DEFAULT 0');
    await h.rows('ALTER TABLE alerted ALTER COLUMN required DROP DEFAULT');
    const failed = await run(p);
    assert.deepEqual([ok.status, failed.status], ['succeeded', 'failed']);
    assert.deepEqual(mails.map((m) => m.subject), ['Stocks_Team_Pipeline_Success', 'Stocks_Team_Pipeline_Failure']);
    assert.equal(mails[0]!.from!.value[0]!.address, 'sluice@example.com');
    assert.match(mails[0]!.text!, /Rows: extracted 2 = loaded 1 \+ rejected 1 \+ filtered 0; inserted 1/);
    assert.match(mails[0]!.text!, /a\.csv line 3: column "n": "x" is not a whole number/);
    assert.match(mails[0]!.text!, new RegExp(`Run: http://127\\.0\\.0\\.1:4680/runs/${ok.runId}`));
    assert.match(mails[1]!.text!, /Error: .*null value in column "required"/);
    assert.deepEqual(ok.alerts, [{ channel: 'email data@example.com', event: 'success', status: 'sent' }]);
  });

  it('posts a Slack-compatible webhook on a failure streak of N and on recovery, never showing its secret URL', async () => {
    const url = `${hookServer.base}/hooks/T000/secret-path`;
    const p = pipeline(webhook({ url: () => url, on: ['failure', 'recovery'], afterFailures: 2, allowPrivateNetwork: ['127.0.0.1'] }));
    h.files({ 'c.csv': 'n\n3\n' });
    // The previous test's failed run began the streak: this is failure 2 (alert), then failure 3 (no second alert).
    const first = await run(p);
    const second = await run(p);
    await h.rows('ALTER TABLE alerted DROP COLUMN required');
    const third = await run(p);
    assert.deepEqual([first.status, second.status, third.status], ['failed', 'failed', 'succeeded']);
    assert.deepEqual([first.alerts.length, second.alerts.length, third.alerts.length], [1, 0, 1]);
    const posted = hookServer.requests.filter((r) => r.path === '/hooks/T000/secret-path').map((r) => JSON.parse(r.body));
    assert.deepEqual(posted.map((b) => [b.event, b.status]), [['failure', 'failed'], ['recovery', 'succeeded']]);
    assert.match(posted[1].text, /^alerted: succeeded \(recovered\)/);
    const recorded = await h.rows(`SELECT channel FROM sluice.alerts WHERE channel LIKE 'webhook%'`);
    assert.ok(recorded.length === 2 && recorded.every((r) => !String(r.channel).includes('secret-path')));
  });

  it('records a failing channel on the run without failing the run', async () => {
    const p = pipeline([
      webhook({ url: `${hookServer.base}/hooks/broken`, on: ['success'], allowPrivateNetwork: ['127.0.0.1'] }),
      email({ to: 'data@example.com', on: ['success'] }),
    ]);
    h.files({ 'd.csv': 'n\n4\n' });
    const result = (await executeRun(p, { projectDir: h.dir, database: h.database, lake: h.lake, alerts: { ...settings(), smtpUrl: 'smtp://alerts:wrong@127.0.0.1:1' } }))!;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.alerts.map((a) => [a.channel.split(' ')[0], a.status]), [['webhook', 'failed'], ['email', 'failed']]);
    assert.match(result.alerts[0]!.error!, /500 Internal Server Error/);
    const rows = await h.rows(`SELECT status, error FROM sluice.alerts WHERE run_id = $1`, [result.runId]);
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.status === 'failed' && r.error));
  });
});
