/** Deploys or destroys a synthesized stack with the AWS CDK CLI (pinned, run through npx): this part needs AWS. */
import { spawn } from 'node:child_process';

/** The CDK CLI `sluice deploy aws` runs (the CLI is versioned apart from aws-cdk-lib and reads its assemblies). */
export const CDK_CLI = 'aws-cdk@2.1148.1';

/** What deploying needs that synthesizing does not, said before anything is tried. */
export const DEPLOY_NEEDS = 'deploying needs network access, AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or SSO) ' +
  `with AWS_REGION set, Docker to build the image, and an account bootstrapped once with: npx ${CDK_CLI} bootstrap`;

/** Runs `cdk <action> --app <assemblyDir> <stack>` with the user's terminal (CDK asks before broadening IAM or destroying). */
export async function runCdk(action: 'deploy' | 'destroy', assemblyDir: string, stackName: string, extra: readonly string[] = []): Promise<void> {
  const args = ['--yes', CDK_CLI, action, '--app', assemblyDir, stackName, ...extra];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('npx', args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0) throw new Error(`npx ${args.join(' ')} exited with ${code} (${DEPLOY_NEEDS})`);
}
