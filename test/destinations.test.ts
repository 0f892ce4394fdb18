import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { col, landOnly, parquet, postgres } from '../src/index.ts';
import { destinationContract } from './destination-contract.ts';
import { fakeDestination, publishedRows } from './fakes/fake-destination.ts';

const columns = { id: col.integer(), v: col.text() };

destinationContract('postgres append', {
  make: () => postgres.table('contract_append', { columns }),
  visible: async (h) => (await tableRows(h, 'contract_append')),
});

destinationContract('postgres with a curated copy', {
  make: () => postgres.table('contract_curated', { columns, curated: true }),
  visible: async (h) => (await tableRows(h, 'contract_curated')),
});

destinationContract('parquet', {
  make: () => parquet.table('contract_parquet', { columns }),
  visible: async (h) => {
    const files: string[] = [];
    for await (const o of h.lake.list('curated/contract_parquet/')) files.push(path.join(h.lake.location, o.key));
    if (!files.length) return [];
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
      const reader = await connection.runAndReadAll(`SELECT CAST(id AS VARCHAR) AS id, v FROM read_parquet([${list}]) ORDER BY id`);
      return reader.getRowObjectsJson().map((r) => [r.id as string, r.v as string]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  },
});

destinationContract('land-only', { make: () => landOnly(), visible: async () => [], reads: false });

destinationContract('fake (in the ledger transaction)', {
  make: () => fakeDestination({ name: 'ct', commitsWithLedger: true }),
  visible: async (h) => {
    const found = await h.rows<{ t: string | null }>(`SELECT to_regclass('public.fake_ct')::text AS t`);
    return found[0]!.t ? (await h.rows<{ id: string; v: string }>('SELECT id::text AS id, v FROM fake_ct ORDER BY id')).map((r) => [r.id, r.v]) : [];
  },
});

destinationContract('fake (published after the ledger)', {
  make: () => fakeDestination({ name: 'cp' }),
  visible: (h) => publishedRows(h.lake, 'cp'),
});

async function tableRows(h: { rows: <T>(sql: string) => Promise<T[]> }, table: string): Promise<(string | null)[][]> {
  const found = await h.rows<{ t: string | null }>(`SELECT to_regclass('public.${table}')::text AS t`);
  if (!found[0]!.t) return [];
  return (await h.rows<{ id: string; v: string }>(`SELECT id::text AS id, v FROM ${table} ORDER BY id`)).map((r) => [r.id, r.v]);
}
