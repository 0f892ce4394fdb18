import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, tempDir } from './helpers.ts';

// npm as `npm test` runs it (npm_execpath), else the one on PATH. The outer npm's npm_config_* settings (its
// local prefix among them) must not leak into an npm working on another folder.
const NPM = process.env.npm_execpath?.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
const ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

function npm(args: readonly string[], cwd: string, timeout = 90_000) {
  const result = spawnSync(NPM[0]!, [...NPM.slice(1), ...args], { cwd, env: ENV, encoding: 'utf8', timeout });
  assert.equal(result.status, 0, `npm ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The files `npm pack` builds the package from, copied so packing never writes dist/ into the shared checkout. */
function packageSource(): string {
  const dir = path.join(tempDir('sluice-pack-'), 'sluice');
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'docs']) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

describe('sluice as an npm package, installed into a project outside this repository', () => {
  let project: string;
  const sluice = (...args: string[]) => npm(['exec', '--no', '--', 'sluice', ...args], project, 60_000);

  before(() => {
    const source = packageSource();
    const tarball = npm(['pack', '--silent', '--pack-destination', path.dirname(source)], source).trim().split('\n').at(-1)!;
    project = path.join(tempDir('sluice-user-'), 'my-data');
    fs.mkdirSync(project);
    npm(['init', '-y'], project);
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(path.dirname(source), tarball)], project, 120_000);
  });
  after(() => {
    if (project && fs.existsSync(path.join(project, '.sluice', 'postgres'))) sluice('db', 'stop');
  });

  it('ships JavaScript and declarations, not the TypeScript sources or the tests', () => {
    const installed = path.join(project, 'node_modules', 'sluice');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/dashboard/charts.js', 'dist/database/migrations/0001-runs-ledger-rejects.sql']) {
      assert.ok(fs.existsSync(path.join(installed, file)), `${file} is in the package`);
    }
    assert.ok(!fs.existsSync(path.join(installed, 'src')), 'no src/ in the package');
    assert.deepEqual(fs.readdirSync(path.join(installed, 'dist'), { recursive: true }).filter((f) => String(f).includes('.test.')), []);
  });

  it('runs `npx sluice init` and `npx sluice run` on the embedded Postgres, and type-checks the pipeline with the installed types', () => {
    assert.match(sluice('init'), /pipelines\/orders\.ts[\s\S]*package\.json \("type": "module"/);
    const run = JSON.parse(sluice('run', 'orders', '--json')) as { status: string; counts: Record<string, number> };
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.counts, { extracted: 4, loaded: 2, rejected: 1, filtered: 1, inserted: 2, updated: 0, unchanged: 0 });
    assert.match(sluice('query', 'select order_id, country from orders order by 1'), /order_id\s+country\n-+\s+-+\n1\s+FR\n2\s+DE\n\(2 rows\)/);

    const tsc = () => spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8', timeout: 60_000 });
    const clean = tsc();
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    // The declarations are real: an editor (and tsc) catches a typo in a write mode.
    const pipeline = path.join(project, 'pipelines', 'orders.ts');
    const text = fs.readFileSync(pipeline, 'utf8');
    fs.writeFileSync(pipeline, text.replace(`mode: 'append'`, `mode: 'apend'`));
    const typo = tsc();
    fs.writeFileSync(pipeline, text);
    assert.notEqual(typo.status, 0, typo.stdout);
    assert.match(typo.stdout, /pipelines\/orders\.ts\(22,\d+\): error TS\d+: Type '"apend"' is not assignable to type '"append" \| "history" \| "merge" \| "replace"'/);
  });

  it('serves the dashboard with its scripts and styles from the installed package', async () => {
    const ui = spawn(process.execPath, [path.join(project, 'node_modules', 'sluice', 'bin', 'sluice.js'), 'ui', '--port', '0'], { cwd: project, env: ENV, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        ui.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const m = /dashboard: (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        ui.once('exit', (code) => reject(new Error(`sluice ui exited with ${code}: ${out}`)));
      });
      const login = await fetch(url, { redirect: 'manual' });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const page = await (await fetch(new URL('/', url), { headers: { cookie } })).text();
      assert.match(page, /data-pipeline="orders"/);
      for (const asset of ['htmx.min.js', 'uPlot.iife.min.js', 'uPlot.min.css', 'charts.js']) {
        const response = await fetch(new URL(`/assets/${asset}`, url), { headers: { cookie } });
        assert.equal(response.status, 200, asset);
        assert.ok((await response.text()).length > 100, `${asset} has content`);
      }
    } finally {
      ui.kill('SIGTERM');
      if (ui.exitCode === null) await new Promise((resolve) => ui.once('exit', resolve));
    }
  });
});
