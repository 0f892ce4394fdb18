import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freshDatabase } from '../../test/helpers.ts';
import type { StagedRows } from '../load/destination.ts';
import { CHECK_WORK_MEM, withSettings } from './with-settings.ts';

describe('settings of the check step', () => {
  let client: pg.Client;
  let rows: StagedRows;
  const setting = async (name: string) => (await client.query(`SELECT current_setting($1) AS v`, [name])).rows[0].v as string;
  before(async () => {
    client = new pg.Client({ connectionString: await freshDatabase() });
    await client.connect();
    rows = { engine: 'postgres', relation: '(SELECT 1)', query: async (sql, values) => (await client.query(sql, values as unknown[])).rows };
  });
  after(async () => void await client.end());

  it('raises work_mem inside the load\'s transaction for the step only, then puts it back', async () => {
    await client.query('BEGIN');
    const was = await setting('work_mem');
    const during = await withSettings(rows, { work_mem: CHECK_WORK_MEM, enable_hashagg: 'off' }, async () => [await setting('work_mem'), await setting('enable_hashagg')]);
    assert.deepEqual(during, [CHECK_WORK_MEM, 'off']);
    assert.deepEqual([await setting('work_mem'), await setting('enable_hashagg')], [was, 'on']);
    await client.query('ROLLBACK');
  });

  it('never lowers a larger work_mem', async () => {
    await client.query(`BEGIN; SET LOCAL work_mem = '1GB'`);
    assert.equal(await withSettings(rows, { work_mem: CHECK_WORK_MEM }, () => setting('work_mem')), '1GB');
    await client.query('ROLLBACK');
  });

  it('leaves an aborted transaction (a check query failed) to its rollback, which ends the setting too', async () => {
    await client.query('BEGIN');
    const was = await setting('work_mem');
    const result = await withSettings(rows, { work_mem: CHECK_WORK_MEM }, async () => {
      await assert.rejects(client.query('SELECT 1/0'), /division by zero/);
      return 'checked';
    });
    assert.equal(result, 'checked');
    await client.query('ROLLBACK');
    assert.equal(await setting('work_mem'), was);
  });
});
