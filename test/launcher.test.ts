import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tempDir } from './helpers.ts';

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; !check(); i++) {
    assert.ok(i < 200, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the sluice command', () => {
  it('runs with sluice\'s V8 settings, in a process that ends when the sluice you started is killed with -9', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const project = tempDir();
    fs.mkdirSync(path.join(project, 'pipelines'));
    // `sluice ui` runs until stopped; the dashboard needs no database.
    const started = spawn(process.execPath, [path.join(ROOT, 'bin/sluice.js'), 'ui', '--project', project, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let child: number | undefined;
    started.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    try {
      await until('the dashboard', () => out.includes('dashboard:'));
      child = Number(fs.readFileSync(`/proc/${started.pid}/task/${started.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      assert.ok(child, 'the command runs in a child process');
      assert.match(fs.readFileSync(`/proc/${child}/cmdline`, 'utf8'), /--max-semi-space-size=16\0/);
      started.kill('SIGKILL');
      await until('the child to end with its parent', () => !alive(child!));
    } finally {
      started.kill('SIGKILL');
      // An orphan would hold the pipes open and keep this test process alive.
      if (child && alive(child)) process.kill(child, 'SIGKILL');
      started.stdout.destroy();
      started.stderr.destroy();
    }
  });
});
