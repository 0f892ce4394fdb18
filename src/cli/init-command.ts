/** `sluice init [dir]`: a new project with one working pipeline on a small sample file. */
import fs from 'node:fs';
import path from 'node:path';

const FILES: Readonly<Record<string, string>> = {
  'sluice.config.ts': `import { defineConfig } from 'sluice';

// DATABASE_URL and SLUICE_LAKE override these. Without a database URL, sluice runs an embedded Postgres in .sluice/postgres.
export default defineConfig({
  lake: '.sluice/lake',
});
`,
  'pipelines/orders.ts': `import { col, definePipeline, files, postgres } from 'sluice';

export default definePipeline({
  name: 'orders',
  source: files('*.csv', {
    dir: 'data/orders',
    columns: { id: col.bigint(), placed_at: col.timestamptz(), amount: col.numeric(12, 2), country: col.text() },
  }),
  transform: (row) => (row.amount === null ? null : {
    order_id: row.id!,
    placed_at: row.placed_at,
    amount: row.amount,
    country: row.country?.trim().toUpperCase() ?? null,
  }),
  destination: postgres.table('orders', {
    columns: {
      order_id: col.bigint({ nullable: false }),
      placed_at: col.timestamptz(),
      amount: col.numeric(12, 2),
      country: col.text(),
    },
    write: { mode: 'append' },
  }),
});
`,
  'data/orders/2026-01-01.csv': `id,placed_at,amount,country
1,2026-01-01T09:15:00Z,19.90,fr
2,2026-01-01T10:02:00Z,5.00,de
3,2026-01-01T11:47:00Z,,us
4,2026-01-01T12:30:00Z,abc,us
`,
  '.env.example': `# Copy to .env. Without DATABASE_URL, sluice runs an embedded Postgres in .sluice/postgres.
# DATABASE_URL=postgres://user:password@host:5432/db?sslmode=verify-full
# SLUICE_LAKE=/data/lake
`,
  '.gitignore': `.sluice/
.env
`,
};

// For editors and `npx tsc`: the settings Node's type stripping runs the pipelines with. Written only if absent.
const TSCONFIG = `{
  "compilerOptions": {
    "target": "es2024",
    "module": "nodenext",
    "strict": true,
    "noEmit": true,
    "allowImportingTsExtensions": true,
    "erasableSyntaxOnly": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": true
  }
}
`;

/** Writes a new project into `dir` (refusing to overwrite one); its pipelines are ES modules, so package.json says `"type": "module"`. */
export async function initCommand(dir: string): Promise<void> {
  const root = path.resolve(dir);
  const existing = Object.keys(FILES).filter((f) => fs.existsSync(path.join(root, f)));
  if (existing.length) throw new Error(`${root} already has ${existing.join(', ')}; nothing was written`);
  const written = Object.keys(FILES);
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  if (!fs.existsSync(path.join(root, 'tsconfig.json'))) {
    fs.writeFileSync(path.join(root, 'tsconfig.json'), TSCONFIG);
    written.push('tsconfig.json');
  }
  const manifest = path.join(root, 'package.json');
  const pkg = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, unknown> : { private: true };
  if (pkg.type !== 'module') {
    fs.writeFileSync(manifest, `${JSON.stringify({ ...pkg, type: 'module' }, null, 2)}\n`);
    written.push(`package.json ("type": "module": pipelines are ES modules)`);
  }
  const shown = path.relative(process.cwd(), root) || '.';
  process.stdout.write(`created a sluice project in ${shown}:\n${written.map((f) => `  ${f}\n`).join('')}` +
    `run its pipeline:\n  npx sluice run orders --project ${shown}\n`);
}
