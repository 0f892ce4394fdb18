/** The `sluice` command line: parses arguments and hands each command to its module. */
import { Command, Option } from 'commander';
import { DefinitionError } from '../config/parse-options.ts';
import { redact } from '../secrets/redact.ts';
import { logsCommand } from './logs-command.ts';
import { dbCommand } from './db-command.ts';
import { deployCommand } from './deploy-command.ts';
import { initCommand } from './init-command.ts';
import { backfillCommand } from './backfill-command.ts';
import { replayCommand } from './replay-command.ts';
import { startCommand } from './start-command.ts';
import { uiCommand } from './ui-command.ts';
import { lakeCommand } from './lake-command.ts';
import { queryCommand } from './query-command.ts';
import { runCommand } from './run-command.ts';
import { runsCommand } from './runs-command.ts';

const program = new Command('sluice')
  .description('Data pipelines in TypeScript: extract, land raw, load Postgres exactly once.')
  .showHelpAfterError();
const project = () => new Option('--project <dir>', 'the project folder').default('.');

program.command('init').argument('[dir]', 'folder to create the project in', '.')
  .description('scaffold a project: sluice.config.ts, pipelines/, .env.example')
  .action(initCommand);

program.command('run').argument('<pipeline>')
  .description('run a pipeline once now; exit 0 only if the run succeeded')
  .addOption(project())
  .option('--json', 'print exactly one JSON object on stdout')
  .option('--run-key <key>', 'identify the work (e.g. a date): a run key that was loaded before loads nothing again')
  .option('--param <key=value>', 'override a pipeline param (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--strict', 'warnings (nothing extracted, every row rejected, header mismatches) fail the run before anything commits')
  .action(runCommand);

program.command('start')
  .description('the scheduler, trigger watchers, workers and the dashboard, until SIGTERM')
  .addOption(project())
  .option('--port <port>', 'dashboard port', '4680')
  .option('--host <host>', 'dashboard address; anything but loopback must be given explicitly', '127.0.0.1')
  .option('--no-ui', 'no dashboard')
  .action((options) => startCommand(options));

program.command('ui')
  .description('the dashboard alone; "Run now" runs in this process')
  .addOption(project())
  .option('--port <port>', 'port', '4680')
  .option('--host <host>', 'address; anything but loopback must be given explicitly', '127.0.0.1')
  .action(uiCommand);

program.command('worker')
  .description('workers only, for more machines on the same database')
  .addOption(project())
  .action((options) => startCommand({ ...options, scheduler: false }));

program.command('backfill').argument('<pipeline>')
  .description('queue one run per interval of the pipeline\'s cron schedule between two times (idempotent)')
  .addOption(project())
  .requiredOption('--from <time>', 'first interval end to fill, e.g. 2026-11-01')
  .requiredOption('--to <time>', 'last interval end to fill')
  .action(backfillCommand);

program.command('replay').argument('<pipeline>')
  .description('re-derive past runs from the raw zone with the pipeline as it is now (e.g. a changed transform)')
  .addOption(project())
  .option('--run <runId>', 'a run to replay (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--from <time>', 'replay the succeeded runs started from this time')
  .option('--to <time>', 'up to this time')
  .option('--param <key=value>', 'override a param the replayed runs ran with (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--json', 'print exactly one JSON object on stdout')
  .action(replayCommand);

program.command('runs')
  .description('run history, newest first')
  .addOption(project())
  .option('--pipeline <name>', 'only this pipeline')
  .option('--limit <n>', 'how many', '20')
  .option('--json', 'print JSON')
  .action(runsCommand);

program.command('logs').argument('<runId>')
  .description("a run's log; --follow shows a live run's lines as they come, until it ends")
  .addOption(project())
  .option('--follow', 'keep showing new lines until the run ends')
  .option('--json', 'print the structured lines as JSON')
  .action(logsCommand);

program.command('query').argument('<sql>')
  .description('read-only SQL on the database, or with --lake on the curated Parquet zone (timeout 30 s)')
  .addOption(project())
  .option('--lake', 'query the lake\'s curated Parquet tables (DuckDB) instead of Postgres')
  .option('--json', 'print rows as JSON')
  .option('--csv', 'print rows as CSV')
  .action(queryCommand);

program.command('lake').argument('<action>', 'lifecycle')
  .description('apply the lifecycle rules of sluice.config.ts to the lake (archive, delete, storage class)')
  .addOption(project())
  .option('--dry-run', 'only say what would be done')
  .action(lakeCommand);

program.command('db').argument('<action>', 'start | stop | url')
  .description('the embedded Postgres: start it, stop it, or print its URL')
  .addOption(project())
  .action(dbCommand);

program.command('deploy').argument('<target>', 'aws')
  .description('deploy the project to AWS (S3 lake, RDS PostgreSQL, ECS Fargate scheduler and workers) with the CDK; --synth only writes the template')
  .addOption(project())
  .option('--synth', 'only write the CloudFormation template (offline, no AWS account needed)')
  .option('--out <dir>', 'where the cloud assembly and template go (default .sluice/deploy/aws)')
  .option('--stack <name>', 'the CloudFormation stack name (default sluice-<project folder>)')
  .option('--secrets-prefix <prefix>', 'secret NAME is read from Secrets Manager as <prefix>NAME (default <stack>/)')
  .option('--versioned', 'keep old versions of lake objects (30 days)')
  .option('--database-secret <arn>', 'use an existing database: its RDS credentials secret, instead of creating RDS')
  .option('--dashboard-cidr <cidr>', 'also let this network (e.g. a VPN) reach the dashboard; by default only the VPC can')
  .option('--workers <min-max>', 'worker tasks, scaled by queue depth', '1-4')
  .option('--env <name=value>', 'a plain (not secret) setting for the pipelines (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--destroy', 'remove the stack; the lake bucket and the database are kept')
  .option('--destroy-data', 'with --destroy: also delete the bucket, its objects and the database')
  .addOption(new Option('--queue-depth-log', 'inside the deployed stack: log the queue depth every minute').hideHelp())
  .action(deployCommand);

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`sluice: ${redact((error as Error).message)}\n`);
  process.exitCode = error instanceof DefinitionError ? 2 : 1;
}
