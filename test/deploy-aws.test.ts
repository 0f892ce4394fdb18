/**
 * `sluice deploy aws --synth`: the CloudFormation template for examples/api-to-parquet, synthesized offline and
 * checked with aws-cdk-lib/assertions the way a reviewer of the stack would check it. Synthesized once per
 * variant (a few seconds each), then every test reads the same templates.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { openProject } from '../src/pipeline/project.ts';
import { synthAws } from '../src/deploy/synth-aws.ts';
import { bucketLifecycle } from '../src/deploy/bucket-lifecycle.ts';
import { queueDepth, queueDepthLine } from '../src/deploy/queue-depth-log.ts';
import { openRunQueue, queueName } from '../src/schedule/run-queue.ts';
import type { Pipeline } from '../src/pipeline/define-pipeline.ts';
import { freshDatabase, ROOT, sluiceAsync, tempDir } from './helpers.ts';

const EXAMPLE = path.join(ROOT, 'examples/api-to-parquet');
const CANARY = 'canary-Secret-Value-7f3a9c';
const SMTP_CANARY = 'smtp-pass-Canary-41d2';

// CloudFormation JSON, read loosely: the assertions say what each part must be.
type Json = Record<string, any>;
const state = {} as { template: Template; json: Json; stdout: string; assemblyDir: string; copy: Template; copyJson: Json; copyAssembly: string; copyDir: string };

const ofType = (json: Json, type: string) => Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const only = (json: Json, type: string) => {
  const found = ofType(json, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
};
const containers = (json: Json) => ofType(json, 'AWS::ECS::TaskDefinition').flatMap(([, t]) => t.Properties.ContainerDefinitions as Json[]);

before(async () => {
  const out = tempDir('sluice-deploy-');
  // A copy of the example with S3-native lifecycle rules, a .env holding a secret, and data deleted with the stack.
  const copyDir = path.join(tempDir('sluice-deploy-project-'), 'weather-copy');
  fs.cpSync(EXAMPLE, copyDir, { recursive: true });
  fs.writeFileSync(path.join(copyDir, 'sluice.config.ts'), `import { defineConfig } from 'sluice';
export default defineConfig({
  lifecycle: [
    { zone: 'raw', olderThanDays: 30, action: { storageClass: 'STANDARD_IA' } },
    { zone: 'logs', olderThanDays: 90, action: 'delete' },
    { zone: 'curated', olderThanDays: 400, action: 'archive' },
  ],
});
`);
  fs.writeFileSync(path.join(copyDir, '.env'), `WEATHER_API_KEY=${CANARY}\n`);
  const cli = sluiceAsync(['deploy', 'aws', '--synth', '--project', EXAMPLE, '--out', path.join(out, 'example'), '--env', 'WEATHER_API=https://weather.example.com'],
    { WEATHER_API_KEY: CANARY, SLUICE_SMTP_URL: `smtps://user:${SMTP_CANARY}@email-smtp.eu-west-1.amazonaws.com:465` });
  const copy = synthAws(await openProject(copyDir), { outDir: path.join(out, 'copy'), destroyData: true, versioned: true, workers: { min: 2, max: 10 } });
  const result = await cli;
  assert.equal(result.status, 0, result.stderr);
  const templateFile = path.join(out, 'example', 'sluice-api-to-parquet.template.json');
  state.json = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Json;
  state.template = Template.fromJSON(state.json);
  state.stdout = result.stdout;
  state.assemblyDir = path.join(out, 'example');
  state.copyJson = JSON.parse(fs.readFileSync(copy.templateFile, 'utf8')) as Json;
  state.copy = Template.fromJSON(state.copyJson);
  state.copyAssembly = copy.assemblyDir;
  state.copyDir = copyDir;
});

describe('sluice deploy aws --synth (examples/api-to-parquet)', () => {
  it('says where the template is and which secrets to create in Secrets Manager', () => {
    assert.match(state.stdout, /stack sluice-api-to-parquet: template .*sluice-api-to-parquet\.template\.json/);
    assert.match(state.stdout, /aws secretsmanager create-secret --name sluice-api-to-parquet\/WEATHER_API_KEY /);
    assert.match(state.stdout, /lifecycle raw\/ older than 30 days: archive: .*the deployed scheduler applies it hourly/);
  });

  it('blocks public access to the lake bucket and encrypts it', () => {
    state.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const [, bucket] = only(state.json, 'AWS::S3::Bucket');
    assert.equal(bucket.Properties.AccessControl, undefined, 'no canned ACL');
    assert.equal(bucket.Properties.WebsiteConfiguration, undefined);
  });

  it('refuses every request to the bucket that is not over TLS', () => {
    const [bucketId] = only(state.json, 'AWS::S3::Bucket');
    const [, policy] = only(state.json, 'AWS::S3::BucketPolicy');
    assert.deepEqual(policy.Properties.Bucket, { Ref: bucketId });
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const tls = statements.find((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    assert.ok(tls, 'a TLS-only statement');
    assert.equal(tls.Action, 's3:*');
    assert.deepEqual(tls.Resource, [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }]);
    assert.ok(!statements.some((s) => s.Effect === 'Allow'), 'the bucket policy grants nothing: access is by the task roles');
  });

  it('keeps the example\'s archive rule for the scheduler (S3 cannot move keys) and adds only an upload cleanup', () => {
    const [, bucket] = only(state.json, 'AWS::S3::Bucket');
    assert.deepEqual(bucket.Properties.LifecycleConfiguration.Rules, [
      { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
    ]);
    // The project in the image carries the same sluice.config.ts, whose rules the deployed scheduler applies.
    const asset = fs.readdirSync(state.assemblyDir).find((f) => f.startsWith('asset.'))!;
    assert.equal(fs.readFileSync(path.join(state.assemblyDir, asset, 'project/sluice.config.ts'), 'utf8'), fs.readFileSync(path.join(EXAMPLE, 'sluice.config.ts'), 'utf8'));
  });

  it('turns storage-class and delete rules into the bucket\'s own lifecycle rules, the same ages and zones', async () => {
    const [, bucket] = only(state.copyJson, 'AWS::S3::Bucket');
    assert.deepEqual(bucket.Properties.LifecycleConfiguration.Rules, [
      { Id: 'raw-to-standard_ia-after-30-days', Prefix: 'raw/', Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] },
      { Id: 'logs-delete-after-90-days', Prefix: 'logs/', Status: 'Enabled', ExpirationInDays: 90 },
      { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
      { Id: 'expire-old-versions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' },
    ]);
    assert.deepEqual(bucket.Properties.VersioningConfiguration, { Status: 'Enabled' });
    // Deployed, sluice applies only the rules S3 cannot (archive); on a laptop, all of them.
    assert.deepEqual((await openProject(state.copyDir, { SLUICE_LIFECYCLE_BY_BUCKET: '1' })).lifecycle, [{ zone: 'curated', olderThanDays: 400, action: 'archive' }]);
    assert.equal((await openProject(state.copyDir, {})).lifecycle.length, 3);
    assert.throws(() => bucketLifecycle([{ zone: 'raw', olderThanDays: 7, action: { storageClass: 'STANDARD_IA' } }], ''), /after 30 days at the earliest/);
  });

  it('puts RDS PostgreSQL in subnets with no route out, not public, encrypted, TLS required', () => {
    const [paramsId, params] = only(state.json, 'AWS::RDS::DBParameterGroup');
    assert.equal(params.Properties.Parameters['rds.force_ssl'], '1');
    const [, db] = only(state.json, 'AWS::RDS::DBInstance');
    assert.equal(db.Properties.PubliclyAccessible, false);
    assert.equal(db.Properties.StorageEncrypted, true);
    assert.equal(db.Properties.Engine, 'postgres');
    assert.deepEqual(db.Properties.DBParameterGroupName, { Ref: paramsId });
    const [, subnetGroup] = only(state.json, 'AWS::RDS::DBSubnetGroup');
    const dbSubnets = (subnetGroup.Properties.SubnetIds as Json[]).map((s) => s.Ref as string);
    assert.equal(dbSubnets.length, 2);
    for (const subnet of dbSubnets) {
      const table = ofType(state.json, 'AWS::EC2::SubnetRouteTableAssociation').find(([, a]) => a.Properties.SubnetId.Ref === subnet)![1].Properties.RouteTableId.Ref;
      const routes = ofType(state.json, 'AWS::EC2::Route').filter(([, r]) => r.Properties.RouteTableId.Ref === table);
      assert.deepEqual(routes, [], `database subnet ${subnet} has no route to the internet or a NAT gateway`);
    }
    // Only the tasks' security group reaches it, on 5432.
    const [, ingress] = only(state.json, 'AWS::EC2::SecurityGroupIngress');
    assert.equal(ingress.Properties.FromPort, 5432);
    assert.ok(ingress.Properties.SourceSecurityGroupId['Fn::GetAtt'][0].startsWith('TasksSecurityGroup'));
  });

  it('has no secret value or password in the template: the database password is generated by Secrets Manager', () => {
    for (const [name, json] of [['example', state.json], ['copy', state.copyJson]] as const) {
      const text = JSON.stringify(json);
      assert.ok(!text.includes(CANARY), `${name}: the API key's value is not in the template`);
      assert.ok(!text.includes(SMTP_CANARY), `${name}: the SMTP password is not in the template`);
    }
    const [, db] = only(state.json, 'AWS::RDS::DBInstance');
    const password = JSON.stringify(db.Properties.MasterUserPassword);
    assert.match(password, /^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:",\{"Ref":"DatabaseCredentials[^"]+"\},":SecretString:password::\}\}"\]\]\}$/);
    state.template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }) });
    for (const c of containers(state.json)) {
      assert.equal(c.Secrets, undefined, `${c.Name}: no ECS secrets injected as environment variables`);
      const names = (c.Environment as Json[]).map((e) => e.Name as string);
      for (const forbidden of ['WEATHER_API_KEY', 'SLUICE_SMTP_URL', 'DATABASE_URL']) assert.ok(!names.includes(forbidden), `${c.Name}: ${forbidden} is not in the environment`);
      assert.ok(!names.some((n) => /PASSWORD|TOKEN/i.test(n)), `${c.Name}: no password variables`);
    }
  });

  it('does not put the project\'s .env or local state in the image', () => {
    const asset = fs.readdirSync(state.copyAssembly).find((f) => f.startsWith('asset.') && fs.existsSync(path.join(state.copyAssembly, f, 'Dockerfile')))!;
    const context = path.join(state.copyAssembly, asset);
    assert.ok(fs.existsSync(path.join(context, 'project/pipelines/weather.ts')));
    assert.ok(fs.existsSync(path.join(context, 'sluice/src/cli/main.ts')));
    assert.ok(!fs.existsSync(path.join(context, 'project/.env')), 'no .env');
    assert.ok(!fs.existsSync(path.join(context, 'sluice/node_modules')), 'no node_modules (the image installs them)');
    const files = fs.readdirSync(context, { recursive: true, encoding: 'utf8' });
    assert.ok(!files.some((f) => f.endsWith('.test.ts')), 'no tests');
    for (const f of files) {
      const file = path.join(context, f);
      if (fs.statSync(file).isFile()) assert.ok(!fs.readFileSync(file, 'utf8').includes(CANARY), `${f} holds no secret`);
    }
    const dockerfile = fs.readFileSync(path.join(context, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM node:24-slim$/m);
    assert.match(dockerfile, /rds-global-bundle\.pem/);
    assert.match(dockerfile, /^USER node$/m);
  });

  it('scopes every S3 and Secrets Manager permission to the lake bucket and the named secrets', () => {
    const [bucketId] = only(state.json, 'AWS::S3::Bucket');
    const [credentialsId] = only(state.json, 'AWS::SecretsManager::Secret');
    const [attachmentId] = only(state.json, 'AWS::SecretsManager::SecretTargetAttachment');
    const bucketArns = [JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] }), JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] })];
    const named = (name: string) => JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:secret:sluice-api-to-parquet/${name}-??????`]] });
    const secretArns = [JSON.stringify({ Ref: attachmentId }), JSON.stringify({ Ref: credentialsId }), named('WEATHER_API_KEY'), named('SLUICE_SMTP_URL')];
    const granted = new Set<string>();
    let checked = 0;
    for (const [id, policy] of ofType(state.json, 'AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement as Json[]) {
        const actions = [s.Action].flat() as string[];
        const resources = [s.Resource].flat().map((r) => JSON.stringify(r));
        if (actions.some((a) => a.startsWith('s3:'))) {
          checked++;
          for (const r of resources) assert.ok(bucketArns.includes(r), `${id}: s3 on ${r}`);
        }
        if (actions.some((a) => a.startsWith('secretsmanager:'))) {
          checked++;
          for (const r of resources) {
            assert.ok(secretArns.includes(r), `${id}: secretsmanager on ${r}`);
            granted.add(r);
          }
          assert.ok(actions.every((a) => ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'].includes(a)), `${id}: read only: ${actions}`);
        }
        assert.ok(!actions.includes('*') && !actions.includes('s3:*') && !actions.includes('secretsmanager:*'), `${id}: no wildcard actions`);
      }
    }
    assert.ok(checked >= 4, 'both task roles hold lake and secret statements');
    assert.deepEqual([...granted].sort(), [secretArns[0], secretArns[2], secretArns[3]].sort(), 'the database secret and the named secrets, nothing else');
  });

  it('runs sluice start and sluice worker as two Fargate services in private subnets, reading secrets by name', () => {
    const services = ofType(state.json, 'AWS::ECS::Service');
    assert.equal(services.length, 2);
    for (const [, s] of services) {
      assert.equal(s.Properties.LaunchType, 'FARGATE');
      assert.equal(s.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
    }
    const byName = (cmd: string) => containers(state.json).filter((c) => c.Name === 'sluice' && c.Command[0] === cmd);
    assert.deepEqual(byName('start').map((c) => c.Command), [['start', '--project', '/app/project', '--host', '0.0.0.0', '--port', '4680']]);
    assert.deepEqual(byName('worker').map((c) => c.Command), [['worker', '--project', '/app/project']]);
    const sizes = ofType(state.json, 'AWS::ECS::TaskDefinition').map(([, t]) => [t.Properties.ContainerDefinitions[0].Command[0], t.Properties.Cpu, t.Properties.Memory]);
    assert.deepEqual(sizes.sort(), [['start', '256', '1024'], ['worker', '256', '512']]);
    for (const c of [...byName('start'), ...byName('worker')]) {
      const env = Object.fromEntries((c.Environment as Json[]).map((e) => [e.Name, e.Value]));
      assert.equal(env.SLUICE_SECRETS, 'aws-secrets-manager:sluice-api-to-parquet/');
      assert.equal(env.SLUICE_LIFECYCLE_BY_BUCKET, '1', 'the scheduler leaves storage classes and deletes to the bucket');
      assert.equal(env.WEATHER_API, 'https://weather.example.com');
      assert.deepEqual(env.SLUICE_LAKE, { 'Fn::Join': ['', ['s3://', { Ref: only(state.json, 'AWS::S3::Bucket')[0] }]] });
      assert.deepEqual(env.SLUICE_DATABASE_SECRET, { Ref: only(state.json, 'AWS::SecretsManager::SecretTargetAttachment')[0] });
      assert.equal(c.LogConfiguration.LogDriver, 'awslogs');
    }
  });

  it('lets only the VPC reach the dashboard', () => {
    const [, tasks] = ofType(state.json, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('TasksSecurityGroup'))!;
    assert.deepEqual(tasks.Properties.SecurityGroupIngress, [{
      CidrIp: { 'Fn::GetAtt': [only(state.json, 'AWS::EC2::VPC')[0], 'CidrBlock'] }, Description: 'dashboard, inside the VPC', FromPort: 4680, IpProtocol: 'tcp', ToPort: 4680,
    }]);
    assert.equal(ofType(state.json, 'AWS::ElasticLoadBalancingV2::LoadBalancer').length, 0);
  });

  it('scales the workers on the queue depth metric the scheduler task logs', () => {
    const [, filter] = only(state.json, 'AWS::Logs::MetricFilter');
    const metric = filter.Properties.MetricTransformations[0];
    assert.equal(metric.MetricValue, '$.sluice_queue_depth');
    const sidecar = containers(state.json).find((c) => c.Name === 'queue-depth')!;
    assert.deepEqual(sidecar.Command, ['deploy', 'aws', '--queue-depth-log', '--project', '/app/project']);
    assert.deepEqual(filter.Properties.LogGroupName, sidecar.LogConfiguration.Options['awslogs-group']);
    const alarms = ofType(state.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    assert.equal(alarms.length, 2, 'one alarm to scale out, one to scale in');
    for (const a of alarms) {
      assert.equal(a.Namespace, metric.MetricNamespace);
      assert.equal(a.MetricName, metric.MetricName);
      assert.deepEqual(a.Dimensions, [{ Name: 'Stack', Value: 'sluice-api-to-parquet' }]);
    }
    state.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4, ScalableDimension: 'ecs:service:DesiredCount' });
    state.copy.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
  });

  it('keeps the lake, a final database snapshot and its credentials when the stack is destroyed, unless told to delete data', () => {
    state.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    state.template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot' });
    state.template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    state.copy.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    state.copy.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Delete' });
    state.copy.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    state.copy.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: Match.anyValue() });
  });
});

describe('sluice deploy aws refusals', () => {
  it('refuses to put a secret in the environment with --env', async () => {
    const result = await sluiceAsync(['deploy', 'aws', '--synth', '--project', EXAMPLE, '--out', tempDir('sluice-deploy-env-'), '--env', `WEATHER_API_KEY=${CANARY}`]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--env WEATHER_API_KEY: WEATHER_API_KEY is a secret .*store it in Secrets Manager as sluice-api-to-parquet\/WEATHER_API_KEY/);
    assert.ok(!result.stderr.includes(CANARY));
  });
});

describe('sluice deploy aws without the AWS CDK installed', () => {
  it('says which packages to install', () => {
    // A resolve hook hides aws-cdk-lib and constructs, as in a project that never installed them.
    const hide = `import module from 'node:module';
module.registerHooks({ resolve(s, c, next) {
  if (/^(aws-cdk-lib|constructs)(\\/|$)/.test(s)) throw Object.assign(new Error("Cannot find package '" + s + "'"), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(s, c);
} });`;
    const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hide)}`, path.join(ROOT, 'bin/sluice.js'),
      'deploy', 'aws', '--synth', '--project', EXAMPLE, '--out', tempDir('sluice-deploy-none-')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /npm install -D aws-cdk-lib@2\.276\.0 constructs@10\.8\.1/);
  });
});

describe('the queue depth the worker service scales on', () => {
  it('counts the runs waiting in every pipeline\'s queue, as /metrics does, in the line the metric filter reads', async () => {
    const url = await freshDatabase();
    const boss = await openRunQueue(url, [{ name: 'weather' }, { name: 'stocks' }] as unknown as Pipeline[], () => {});
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      assert.equal(await queueDepth(pool), 0);
      for (const [pipeline, n] of [['weather', 2], ['stocks', 3]] as const) {
        for (let i = 0; i < n; i++) await boss.send(queueName(pipeline), { pipeline, runKey: `k${i}` });
      }
      assert.equal(await queueDepth(pool), 5);
      const line = queueDepthLine('sluice-api-to-parquet', 5);
      assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one log event');
      // The metric filter's pattern is { $.sluice_queue_depth >= 0 } with dimension Stack = $.stack.
      assert.deepEqual(JSON.parse(line), { stack: 'sluice-api-to-parquet', sluice_queue_depth: 5 });
      assert.equal(only(state.json, 'AWS::Logs::MetricFilter')[1].Properties.FilterPattern, '{ $.sluice_queue_depth >= 0 }');
    } finally {
      await pool.end();
      await boss.stop({ graceful: false, close: true });
    }
  });
});
