import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { generateStocks } from '../examples/stocks/generate.ts';
import { freshDatabase, query, ROOT, sluiceProcess, tempDir } from './helpers.ts';

describe('the stock-batch system under sluice start', () => {
  const mails: ParsedMail[] = [];
  let smtp: SMTPServer;
  before(async () => {
    smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onData: (stream, _s, done) => void simpleParser(stream).then((m) => { mails.push(m); done(); }, done) });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it('starts when .SUCCESS lands, runs once a day, logs under Logs/, and emails the outcome', async () => {
    const url = await freshDatabase();
    const input = tempDir();
    const lake = tempDir();
    generateStocks(input, { tickers: 6, days: 50, unlisted: 1 });
    const start = sluiceProcess(['start', '--project', path.join(ROOT, 'examples/stocks'), '--port', '0'], {
      DATABASE_URL: url, SLUICE_LAKE: lake, STOCKS_INPUT: input, STOCKS_ALERT_TO: 'stocks-team@example.com',
      SLUICE_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      fs.writeFileSync(path.join(input, '.SUCCESS'), '');
      for (let i = 0; !mails.length; i++) {
        assert.ok(i < 200, 'no email came');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      fs.writeFileSync(path.join(input, '.SUCCESS'), 'uploaded again');
      await new Promise((resolve) => setTimeout(resolve, 7000));
    } finally {
      start.kill('SIGTERM');
      await new Promise((resolve) => start.once('exit', resolve));
    }
    assert.deepEqual(mails.map((m) => m.subject), ['Stocks_Team_Pipeline_Success']);
    assert.match(mails[0]!.text!, /Rows: extracted 150 = loaded 149 \+ rejected 1/);
    const runs = await query<{ run_id: string; trigger: string }>(url, `SELECT run_id, trigger FROM sluice.runs WHERE pipeline = 'stocks'`);
    assert.deepEqual(runs.map((r) => r.trigger), ['file'], 'one run, however many markers that day');
    assert.ok(fs.existsSync(path.join(lake, 'Logs/stocks', `${runs[0]!.run_id}.jsonl`)));
  });
});
