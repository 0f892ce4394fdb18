import os from 'node:os';
import { after, before } from 'node:test';
import { fixtureServer } from '../../../test/http-fixture.ts';
import { sourceContract } from '../source-contract.ts';
import { httpFile } from './http-file.ts';

let server: Awaited<ReturnType<typeof fixtureServer>>;
before(async () => {
  server = await fixtureServer({ '/us.csv': (_req, res) => void res.writeHead(200, { etag: '"1"' }).end('date,cases\n2020-01-21,1\n') });
});
after(() => server.close());

sourceContract('httpFile', async () => ({ source: httpFile(`${server.base}/us.csv`, { allowPrivateNetwork: ['127.0.0.1'] }), projectDir: os.tmpdir() }));
