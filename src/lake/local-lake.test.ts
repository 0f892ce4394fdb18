import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lakeContract } from './lake-contract.ts';
import { localLake } from './local-lake.ts';

lakeContract('local folder', async () => localLake(fs.mkdtempSync(path.join(os.tmpdir(), 'lake-'))));
