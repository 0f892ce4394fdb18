/** `sluice deploy aws`: synthesize the project's AWS stack (CDK, in-process, offline), then deploy or destroy it with the CDK CLI. */
import fs from 'node:fs';
import path from 'node:path';
import { DefinitionError } from '../config/parse-options.ts';
import { openProject } from '../pipeline/project.ts';
import { CDK_CLI, DEPLOY_NEEDS, runCdk } from '../deploy/run-cdk.ts';

/** The options of `sluice deploy aws`. */
export interface DeployOptions {
  readonly project: string;
  readonly synth?: boolean;
  readonly out?: string;
  readonly stack?: string;
  readonly secretsPrefix?: string;
  readonly versioned?: boolean;
  readonly databaseSecret?: string;
  readonly dashboardCidr?: string;
  readonly workers: string;
  readonly env: readonly string[];
  readonly destroy?: boolean;
  readonly destroyData?: boolean;
  /** Internal: the deployed scheduler task's sidecar, logging the queue depth the workers scale on. */
  readonly queueDepthLog?: boolean;
}

/** Runs `sluice deploy aws` with its options (see main.ts and docs/deploy.md). */
export async function deployCommand(target: string, options: DeployOptions): Promise<void> {
  if (target !== 'aws') throw new DefinitionError(`deploy ${target}: expected aws`);
  if (options.queueDepthLog) {
    const { logQueueDepth } = await import('../deploy/queue-depth-log.ts');
    return logQueueDepth(options.project);
  }
  if (options.destroyData && !options.destroy) throw new DefinitionError('--destroy-data goes with --destroy (it deletes the lake bucket and the database)');
  if (options.destroy && options.synth) throw new DefinitionError('--synth only writes the template: leave out --destroy');
  const workers = /^(\d+)-(\d+)$/.exec(options.workers);
  if (!workers || Number(workers[1]) > Number(workers[2]) || Number(workers[2]) < 1) throw new DefinitionError(`--workers ${options.workers}: expected MIN-MAX, e.g. 1-4`);
  const environment = Object.fromEntries(options.env.map((pair) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!m) throw new DefinitionError(`--env ${pair}: expected NAME=value`);
    return [m[1]!, m[2]!];
  }));

  const project = await openProject(options.project);
  const { synthAws } = await loadSynth();
  const synthesized = synthAws(project, {
    outDir: options.out ?? path.join(project.stateDir, 'deploy', 'aws'),
    stackName: options.stack, secretsPrefix: options.secretsPrefix, versioned: options.versioned,
    destroyData: options.destroyData, databaseSecretArn: options.databaseSecret, dashboardCidr: options.dashboardCidr,
    workers: { min: Number(workers[1]), max: Number(workers[2]) }, environment,
  });
  const relative = path.relative(process.cwd(), synthesized.templateFile);
  const shown = relative.startsWith('..') || !relative ? synthesized.templateFile : relative;
  process.stdout.write(`stack ${synthesized.stackName}: template ${shown}\n`);
  for (const rule of synthesized.schedulerRules) {
    process.stdout.write(`lifecycle ${rule.zone}/ older than ${rule.olderThanDays} days: archive: S3 cannot move keys, so the deployed scheduler applies it hourly ` +
      `(for an S3-native rule use { storageClass: 'STANDARD_IA' })\n`);
  }
  if (synthesized.secretNames.length) {
    process.stdout.write(`secrets read from AWS Secrets Manager (create each once; values never go in the template or the environment):\n` +
      synthesized.secretNames.map((n) => `  aws secretsmanager create-secret --name ${synthesized.secretsPrefix}${n} --secret-string file://${n.toLowerCase()}.txt\n`).join(''));
  }
  if (options.synth) return;

  process.stdout.write(`${DEPLOY_NEEDS}\n`);
  if (!options.destroy) {
    await runCdk('deploy', synthesized.assemblyDir, synthesized.stackName);
    return;
  }
  // The bucket and database keep their data by DeletionPolicy: --destroy-data first deploys the stack with
  // policies that delete them (and empty the bucket), then destroys it.
  if (options.destroyData) await runCdk('deploy', synthesized.assemblyDir, synthesized.stackName);
  await runCdk('destroy', synthesized.assemblyDir, synthesized.stackName);
  if (!options.destroyData) process.stdout.write('kept: the lake bucket, a final snapshot of the database and its credentials secret (--destroy-data deletes them)\n');
}

/** The synthesizer, which needs the optional aws-cdk-lib and constructs packages. */
async function loadSynth(): Promise<typeof import('../deploy/synth-aws.ts')> {
  try {
    return await import('../deploy/synth-aws.ts');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== 'ERR_MODULE_NOT_FOUND' || !/aws-cdk-lib|constructs/.test(e.message)) throw error;
    const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
    const install = ['aws-cdk-lib', 'constructs'].map((p) => `${p}@${manifest.peerDependencies[p]}`).join(' ');
    throw new DefinitionError(`sluice deploy aws needs the AWS CDK library, an optional dependency of sluice (about 160 MB): npm install -D ${install}` +
      ` (deploying also runs the CDK CLI, npx ${CDK_CLI})`);
  }
}
