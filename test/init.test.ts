import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freshDatabase, query, sluice, tempDir } from './helpers.ts';

describe('sluice init', () => {
  it('scaffolds a project whose pipeline runs as it is', async () => {
    const dir = path.join(tempDir(), 'my-project');
    const init = sluice(['init', dir]);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /npx sluice run orders --project/);
    // Pipelines are ES modules that editors check with the settings Node runs them with.
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type, 'module');
    assert.match(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'), /"allowImportingTsExtensions": true/);
    const url = await freshDatabase();
    const json = JSON.parse(sluice(['run', 'orders', '--project', dir, '--json'], { DATABASE_URL: url }).stdout);
    assert.equal(json.status, 'succeeded');
    assert.deepEqual(json.counts, { extracted: 4, loaded: 2, rejected: 1, filtered: 1, inserted: 2, updated: 0, unchanged: 0 });
    assert.deepEqual(await query(url, 'SELECT order_id::int AS id, country FROM orders ORDER BY 1'), [{ id: 1, country: 'FR' }, { id: 2, country: 'DE' }]);
    const table = sluice(['query', 'select order_id, amount from orders order by 1', '--project', dir], { DATABASE_URL: url }).stdout;
    assert.match(table, /order_id\s+amount\n-+\s+-+\n1\s+19\.90\n2\s+5\.00\n\(2 rows\)/);
  });

  it('refuses to overwrite an existing project', () => {
    const dir = tempDir();
    sluice(['init', dir]);
    const again = sluice(['init', dir]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already has sluice\.config\.ts/);
  });

  it('lets `sluice query` read but never write', async () => {
    const url = await freshDatabase();
    const result = sluice(['query', 'create table nope (a int)', '--project', tempDir()], { DATABASE_URL: url });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /read-only transaction/);
  });
});
