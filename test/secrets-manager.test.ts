/**
 * The AWS Secrets Manager provider against a loopback server speaking Secrets Manager's JSON protocol (POST /,
 * `X-Amz-Target: secretsmanager.GetSecretValue`), the real SDK pointed at it by endpoint with dummy credentials.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { startWeatherFixture, FIXTURE_API_KEY } from '../examples/api-to-parquet/fixture.ts';
import { RetryableError, TerminalError } from '../src/extract/errors.ts';
import { databaseUrlFromSecret, readSecretsManager } from '../src/secrets/aws-secrets-manager.ts';
import { redact } from '../src/secrets/redact.ts';
import { freshDatabase, query, ROOT, sluiceAsync, tempDir } from './helpers.ts';

const CANARY = 'sm-Canary-Value-0b7e55';
const DB_PASSWORD = 'db-Pass-Canary-93ac1f';

interface Call { readonly target: string | undefined; readonly secretId: string; readonly authorization: string | undefined }

/** Secrets Manager, as far as GetSecretValue goes: `secrets` by id; `deny` ids answer AccessDenied, `broken` ids a 500. */
async function startSecretsManager(secrets: Record<string, string>, knobs: { deny?: string[]; broken?: string[] } = {}) {
  const calls: Call[] = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { SecretId: secretId } = JSON.parse(body) as { SecretId: string };
    calls.push({ target: req.headers['x-amz-target'] as string | undefined, secretId, authorization: req.headers.authorization });
    const send = (status: number, answer: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return send(400, { __type: 'InvalidAction', message: 'unsupported' });
    if (knobs.deny?.includes(secretId)) return send(400, { __type: 'AccessDeniedException', message: `User is not authorized to access ${secretId}` });
    if (knobs.broken?.includes(secretId)) return send(500, { __type: 'InternalServiceError', message: 'try again' });
    if (!(secretId in secrets)) return send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    send(200, { ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${secretId}-AbCdEf`, Name: secretId, SecretString: secrets[secretId], VersionId: 'v1', CreatedDate: 1_700_000_000 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { endpoint, calls, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const dummy = { accessKeyId: 'AKIDTESTTEST', secretAccessKey: 'dummy-secret-access-key' };

describe('AWS Secrets Manager provider', () => {
  let sm: Awaited<ReturnType<typeof startSecretsManager>>;
  before(async () => {
    sm = await startSecretsManager({
      'sluice-weather/WEATHER_API_KEY': FIXTURE_API_KEY,
      'app/CANARY': CANARY,
      'rds/credentials': JSON.stringify({ username: 'sluice', password: DB_PASSWORD, host: 'db.abc.eu-west-1.rds.amazonaws.com', port: 5432, dbname: 'sluice', engine: 'postgres' }),
      'rds/not-json': 'plain',
    }, { deny: ['app/DENIED', 'denied/WEATHER_API_KEY'], broken: ['app/BROKEN'] });
  });
  after(() => sm.close());
  const options = () => ({ endpoint: sm.endpoint, region: 'eu-west-1', credentials: dummy });

  it('reads secrets with signed GetSecretValue calls, a missing one reported by name, and hides every value read', async () => {
    const values = await readSecretsManager(['app/CANARY', 'app/MISSING'], options());
    assert.deepEqual([...values], [['app/CANARY', { value: CANARY }], ['app/MISSING', { unreadable: 'AWS Secrets Manager has no secret app/MISSING' }]]);
    const mine = sm.calls.filter((c) => c.secretId.startsWith('app/'));
    assert.deepEqual(mine.map((c) => c.target), ['secretsmanager.GetSecretValue', 'secretsmanager.GetSecretValue']);
    for (const c of mine) assert.match(c.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDTESTTEST\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/);
    assert.equal(redact(`the key was ${CANARY}.`), 'the key was ***.', 'a value read is redacted from then on');
  });

  it('reports a denied secret by name without failing the others, and throws on a 500 after the SDK retried', async () => {
    const values = await readSecretsManager(['app/CANARY', 'app/DENIED'], options());
    assert.deepEqual(values.get('app/CANARY'), { value: CANARY });
    assert.deepEqual(values.get('app/DENIED'), {
      unreadable: 'AWS Secrets Manager: reading secret app/DENIED failed: AccessDeniedException (HTTP 400): it does not exist, or this role may not read it',
    });
    await assert.rejects(readSecretsManager(['app/CANARY', 'app/BROKEN'], options()), (e: unknown) =>
      e instanceof RetryableError && /app\/BROKEN failed: InternalServiceError \(HTTP 500\)/.test(e.message) && !e.message.includes(CANARY));
    assert.ok(sm.calls.filter((c) => c.secretId === 'app/BROKEN').length >= 2, 'the SDK retried the 500 before giving up');
  });

  it('builds a verify-full database URL from RDS credentials and hides the password', async () => {
    const url = new URL(await databaseUrlFromSecret('rds/credentials', '/etc/ssl/certs/rds-global-bundle.pem', options()));
    assert.equal(url.host, 'db.abc.eu-west-1.rds.amazonaws.com:5432');
    assert.equal(url.pathname, '/sluice');
    assert.equal(url.username, 'sluice');
    assert.equal(url.searchParams.get('sslmode'), 'verify-full');
    assert.equal(url.searchParams.get('sslrootcert'), '/etc/ssl/certs/rds-global-bundle.pem');
    assert.ok(!redact(url.toString()).includes(DB_PASSWORD));
    await assert.rejects(databaseUrlFromSecret('rds/missing', '/ca.pem', options()), /the database secret: AWS Secrets Manager has no secret rds\/missing/);
    await assert.rejects(databaseUrlFromSecret('rds/not-json', '/ca.pem', options()), (e: unknown) => e instanceof TerminalError && /is not JSON/.test((e as Error).message) && !(e as Error).message.includes('plain'));
  });

  describe('sluice run with SLUICE_SECRETS=aws-secrets-manager:<prefix>', () => {
    let url: string;
    before(async () => { url = await freshDatabase(); });
    const project = path.join(ROOT, 'examples/api-to-parquet');
    const env = (prefix: string) => ({
      DATABASE_URL: url, SLUICE_LAKE: tempDir(), SLUICE_SECRETS: `aws-secrets-manager:${prefix}`, WEATHER_API_KEY: '',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: dummy.accessKeyId, AWS_SECRET_ACCESS_KEY: dummy.secretAccessKey,
    });

    it('runs the api-to-parquet pipeline with its API key read from Secrets Manager, never printing or storing it', async () => {
      const fixture = await startWeatherFixture(0, { failures: 1 });
      try {
        const out = await sluiceAsync(['run', 'weather', '--project', project, '--json', '--param', `api=${fixture.base}`], env('sluice-weather/'));
        const result = JSON.parse(out.stdout) as { runId: string; status: string; error?: string; counts: { loaded: number } };
        assert.equal(result.status, 'succeeded', `${result.error} ${out.stderr}`);
        assert.equal(result.counts.loaded, 3);
        assert.ok(sm.calls.some((c) => c.secretId === 'sluice-weather/WEATHER_API_KEY'), 'the key came from Secrets Manager');
        const logs = await sluiceAsync(['logs', result.runId, '--project', project, '--json'], { DATABASE_URL: url });
        assert.equal(logs.status, 0, logs.stderr);
        // Both attempts (the 503, then the success), their records and every log line either wrote.
        const stored = JSON.stringify([await query(url, 'SELECT * FROM sluice.runs'), await query(url, 'SELECT * FROM sluice.run_logs')]);
        assert.match(stored, /503/, 'the failed attempt is recorded');
        for (const [where, text] of [['stdout', out.stdout], ['stderr', out.stderr], ['run log', logs.stdout], ['run records', stored]]) {
          assert.ok(!text!.includes(FIXTURE_API_KEY), `the key is not in the ${where}`);
        }
      } finally {
        await fixture.close();
      }
    });

    it('fails the run, naming the secret to create, when Secrets Manager has no such secret', async () => {
      const fixture = await startWeatherFixture(0);
      try {
        const out = await sluiceAsync(['run', 'weather', '--project', project, '--json', '--param', `api=${fixture.base}`], env('other-prefix/'));
        const result = JSON.parse(out.stdout) as { status: string; error: string };
        assert.equal(result.status, 'failed');
        assert.match(result.error, /secret WEATHER_API_KEY is not set: .*or create other-prefix\/WEATHER_API_KEY in AWS Secrets Manager \(AWS Secrets Manager has no secret other-prefix\/WEATHER_API_KEY\)/);
        const denied = JSON.parse((await sluiceAsync(['run', 'weather', '--project', project, '--json', '--param', `api=${fixture.base}`], env('denied/'))).stdout) as { status: string; error: string };
        assert.equal(denied.status, 'failed');
        assert.match(denied.error, /or create denied\/WEATHER_API_KEY in AWS Secrets Manager \(.*AccessDeniedException \(HTTP 400\): it does not exist, or this role may not read it\)/);
        assert.equal(fixture.state.requests, 0, 'the API was never called without its key');
      } finally {
        await fixture.close();
      }
    });
  });
});
