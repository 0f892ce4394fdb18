import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tempDir } from './helpers.ts';

describe('the sluice command', () => {
  it('runs with sluice\'s V8 settings in the very process you started: no second process to outlive a kill -9', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const project = tempDir();
    fs.mkdirSync(path.join(project, 'pipelines'));
    // `sluice ui` runs until stopped; the dashboard needs no database.
    const started = spawn(process.execPath, [path.join(ROOT, 'bin/sluice.js'), 'ui', '--project', project, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      started.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
      for (let i = 0; !out.includes('dashboard:'); i++) {
        assert.ok(i < 200, 'timed out waiting for the dashboard');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(fs.readFileSync(`/proc/${started.pid}/cmdline`, 'utf8'), /--max-semi-space-size=16\0/);
      assert.equal(fs.readFileSync(`/proc/${started.pid}/task/${started.pid}/children`, 'utf8').trim(), '');
      const ended = new Promise((resolve) => started.once('exit', (_code, signal) => resolve(signal)));
      started.kill('SIGKILL');
      assert.equal(await ended, 'SIGKILL');
    } finally {
      started.kill('SIGKILL');
    }
  });
});
