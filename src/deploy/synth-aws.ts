/** Synthesizes a project's AWS stack in-process (aws-cdk-lib): a cloud assembly with the CloudFormation template, no network needed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DefinitionError } from '../config/parse-options.ts';
import type { Project } from '../pipeline/project.ts';
import { findSecretNames } from '../secrets/secret-names.ts';
import type { AwsStackOptions } from './aws-stack-options.ts';
import { awsStack } from './aws-stack.ts';
import { bucketLifecycle } from './bucket-lifecycle.ts';
import { writeImageContext } from './image-context.ts';

/** Choices for the stack; everything else comes from the project. */
export interface SynthOptions {
  /** The cloud assembly folder (the template is `<outDir>/<stackName>.template.json`). */
  readonly outDir: string;
  readonly stackName?: string;
  readonly secretsPrefix?: string;
  readonly versioned?: boolean;
  readonly destroyData?: boolean;
  readonly databaseSecretArn?: string;
  readonly dashboardCidr?: string;
  readonly workers?: { readonly min: number; readonly max: number };
  readonly environment?: Readonly<Record<string, string>>;
}

/** What was written. */
export interface Synthesized {
  readonly stackName: string;
  readonly assemblyDir: string;
  readonly templateFile: string;
  readonly secretNames: readonly string[];
  readonly secretsPrefix: string;
  /** Lifecycle rules S3 cannot express (archive), applied hourly by the deployed scheduler instead. */
  readonly schedulerRules: AwsStackOptions['lifecycle'];
}

/** `sluice-<project folder>`, as CloudFormation allows stack names. */
export function defaultStackName(projectDir: string): string {
  const base = path.basename(projectDir).replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'project';
  return `sluice-${base}`.slice(0, 128);
}

/** Builds the stack for `project` and writes its cloud assembly to `options.outDir`. */
export function synthAws(project: Project, options: SynthOptions): Synthesized {
  const stackName = options.stackName ?? defaultStackName(project.dir);
  const secretsPrefix = options.secretsPrefix ?? `${stackName}/`;
  const secretNames = findSecretNames(project.dir);
  const environment = options.environment ?? {};
  for (const name of Object.keys(environment)) {
    if (secretNames.includes(name)) throw new DefinitionError(`--env ${name}: ${name} is a secret (secret('${name}')); store it in Secrets Manager as ${secretsPrefix}${name}, never in the environment`);
  }
  const outDir = path.resolve(options.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  // The build context is staged into the assembly by CDK (asset.<hash>), so the temporary copy can go.
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-image-'));
  try {
    const app = new App({ outdir: outDir, analyticsReporting: false });
    awsStack(app, {
      stackName, lifecycle: project.lifecycle, secretNames, secretsPrefix,
      imageContext: writeImageContext(project.dir, context),
      versioned: options.versioned ?? false, destroyData: options.destroyData ?? false,
      databaseSecretArn: options.databaseSecretArn, dashboardCidr: options.dashboardCidr,
      workers: options.workers ?? { min: 1, max: 4 }, environment,
    });
    const assembly = app.synth();
    return {
      stackName, assemblyDir: assembly.directory, templateFile: path.join(assembly.directory, assembly.getStackByName(stackName).templateFile),
      secretNames, secretsPrefix, schedulerRules: bucketLifecycle(project.lifecycle, '').schedulerRules,
    };
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}
