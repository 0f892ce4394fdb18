/**
 * The "serverless" process's prepare step: rewrites one dated drop (any format its INI section describes) into
 * N gzip-compressed delimited part files (N = output_file_partitions), under `<out>/<source>/<YYYYMMDD>/`,
 * for the `supplier-parts` pipeline to load.
 * Usage: node examples/tpch-supplier/prepare.ts [--input sample] [--out prepared] [--source supplier] [--date YYYYMMDD] [--config supplier.ini]
 */
import fs from 'node:fs';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { dataSource, dropFolder, supplierFiles } from './data-sources.ts';
import { SUPPLIER_COLUMNS } from './generate.ts';

export async function prepare(options: { input: string; out: string; source: string; date: string; config: string }): Promise<string[]> {
  const drop = dropFolder(options.input, options.source, options.date);
  const config = dataSource(options.config, options.source);
  const source = supplierFiles(drop, config);
  const target = path.join(options.out, options.source, path.basename(drop));
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const delimiter = config.output_file_delimiter;
  const parts = Array.from({ length: config.output_file_partitions }, (_, i) => {
    const file = path.join(target, `part-${String(i).padStart(4, '0')}.csv.gz`);
    const gzip = createGzip();
    gzip.pipe(fs.createWriteStream(file));
    return { file, gzip };
  });
  const field = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return s.includes(delimiter) || s.includes('"') || s.includes('\n') ? `"${s.replaceAll('"', '""')}"` : s;
  };
  let n = 0;
  for (const object of await source.list({ projectDir: drop, runId: 'prepare', previous: async () => undefined })) {
    for await (const batch of source.parse(await object.open(), object.name)) {
      if (batch.rejects.length) throw new Error(`${object.name} line ${batch.rejects[0]!.line}: ${batch.rejects[0]!.reason}`);
      for (const record of batch.records) {
        parts[n++ % parts.length]!.gzip.write(SUPPLIER_COLUMNS.map((c) => field(record[c])).join(delimiter) + '\n');
      }
    }
  }
  await Promise.all(parts.map(({ gzip }) => new Promise((resolve) => { gzip.on('end', resolve); gzip.end(); })));
  return parts.map((p) => p.file);
}

if (import.meta.main) {
  const arg = (name: string, fallback: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`) ?? fallback;
  const here = import.meta.dirname;
  const written = await prepare({
    input: path.resolve(here, arg('input', 'sample')), out: path.resolve(here, arg('out', 'prepared')),
    source: arg('source', 'supplier'), date: arg('date', ''), config: path.resolve(here, arg('config', 'supplier.ini')),
  });
  console.log(`wrote ${written.length} gzip part files:\n${written.map((f) => `  ${path.relative(process.cwd(), f)}`).join('\n')}`);
}
