import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sourceContract } from '../source-contract.ts';
import { files } from './files-source.ts';

sourceContract('files', async () => {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'files-'));
  fs.mkdirSync(path.join(projectDir, 'in'));
  fs.writeFileSync(path.join(projectDir, 'in/a.csv'), 'id,v\n1,x\n2,y\n');
  fs.writeFileSync(path.join(projectDir, 'in/b.csv'), 'id,v\n3,z\n');
  return { source: files('*.csv', { dir: 'in' }), projectDir };
});
