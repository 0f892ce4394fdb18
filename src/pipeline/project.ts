/** A sluice project: a folder with an optional `sluice.config.ts` and pipelines in `pipelines/*.ts`. */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { isPipeline, type Pipeline } from './define-pipeline.ts';
import { DefinitionError, parseOptions } from '../config/parse-options.ts';
import { resolveSluiceImports } from './resolve-sluice.ts';
import { loadDotEnv } from '../secrets/secret.ts';
import { registerUrlSecrets } from '../secrets/redact.ts';
import { databaseUrlFromEnv, providedSecret, useSecretProvider } from '../secrets/secret-provider.ts';
import type { AlertSettings } from '../alerts/alert-channel.ts';
import { lifecycleRule, type LifecycleRule } from '../lake/lifecycle.ts';

const configSchema = z.object({
  /** Postgres for sluice's state and the default destination. Default: embedded, in `.sluice/postgres`. */
  database: z.object({
    url: z.string().min(1).optional(),
    /** Where the embedded Postgres keeps its data, relative to the project (several projects may share one). */
    embeddedDir: z.string().min(1).default('.sluice'),
  }).strict().default({ embeddedDir: '.sluice' }),
  /** The lake: a folder (relative to the project) or `s3://bucket/prefix`. */
  lake: z.string().min(1).default('.sluice/lake'),
  /** Alert settings; `SLUICE_SMTP_URL`, `SLUICE_MAIL_FROM` and `SLUICE_DASHBOARD_URL` win. */
  alerts: z.object({ smtpUrl: z.string().optional(), from: z.string().optional(), dashboardUrl: z.string().optional() }).strict().default({}),
  /** Rules applied by `sluice lake lifecycle`, e.g. [{ zone: 'raw', olderThanDays: 30, action: 'archive' }]. */
  lifecycle: z.array(lifecycleRule).default([]),
  /** Where secret() values come from besides the environment: 'aws-secrets-manager:<prefix>'. `SLUICE_SECRETS` wins. */
  secrets: z.string().min(1).optional(),
}).strict();

/** What a user writes in `sluice.config.ts`. */
export type ProjectConfig = z.input<typeof configSchema>;

/**
 * Declares the project's settings; the default export of `sluice.config.ts`. Environment variables win:
 * `DATABASE_URL` over `database.url`, `SLUICE_LAKE` over `lake`.
 * @example
 * export default defineConfig({ lake: '.sluice/lake' });
 */
export function defineConfig(config: ProjectConfig): ProjectConfig {
  return config;
}

/** A loaded project. */
export interface Project {
  readonly dir: string;
  /** `.sluice` (or `database.embeddedDir`): the embedded database and other local state. */
  readonly stateDir: string;
  /** An external database URL, or undefined for the embedded one. */
  readonly databaseUrl?: string;
  /** The lake: an absolute folder, or `s3://bucket/prefix`. */
  readonly lake: string;
  readonly lifecycle: readonly LifecycleRule[];
  readonly alerts: AlertSettings;
}

/** Reads the project's config (no pipelines are loaded). */
export async function openProject(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  const projectDir = path.resolve(dir);
  if (!fs.existsSync(projectDir)) throw new DefinitionError(`project folder ${projectDir} does not exist`);
  if (env === process.env) loadDotEnv(projectDir);
  const file = ['sluice.config.ts', 'sluice.config.js'].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
  const raw = file ? await importDefault(file) : {};
  const config = parseOptions(file ? path.relative(process.cwd(), file) || file : 'config', configSchema, raw);
  const lake = env.SLUICE_LAKE || config.lake;
  await useSecretProvider(env.SLUICE_SECRETS || config.secrets, projectDir);
  const databaseUrl = env.DATABASE_URL || config.database.url || await databaseUrlFromEnv(env);
  const smtpUrl = env.SLUICE_SMTP_URL || config.alerts.smtpUrl || providedSecret('SLUICE_SMTP_URL');
  registerUrlSecrets(databaseUrl);
  registerUrlSecrets(smtpUrl);
  return {
    dir: projectDir,
    stateDir: path.resolve(projectDir, config.database.embeddedDir),
    databaseUrl,
    lake: lake.startsWith('s3://') ? lake : path.resolve(projectDir, lake),
    // Set by `sluice deploy aws`: the bucket applies storage-class and delete rules itself; sluice only archives.
    lifecycle: env.SLUICE_LIFECYCLE_BY_BUCKET === '1' ? config.lifecycle.filter((r) => r.action === 'archive') : config.lifecycle,
    alerts: {
      smtpUrl,
      from: env.SLUICE_MAIL_FROM || config.alerts.from || 'sluice <sluice@localhost>',
      dashboardUrl: env.SLUICE_DASHBOARD_URL || config.alerts.dashboardUrl,
    },
  };
}

/** Loads every pipeline in `pipelines/`, checked; a bad one fails with its file named. */
export async function loadPipelines(project: Project): Promise<Map<string, Pipeline & { readonly file: string }>> {
  const dir = path.join(project.dir, 'pipelines');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.(test|d)\.[mc]?[tj]s$/.test(f)).sort() : [];
  const pipelines = new Map<string, Pipeline & { readonly file: string }>();
  for (const name of files) {
    const file = path.join(dir, name);
    const shown = path.relative(process.cwd(), file) || file;
    const exported = await importDefault(file).catch((error: Error) => {
      throw new DefinitionError(`${shown}: ${error.message}`);
    });
    if (!isPipeline(exported)) throw new DefinitionError(`${shown}: the default export must be definePipeline({...})`);
    const other = pipelines.get(exported.name);
    if (other) throw new DefinitionError(`${shown}: pipeline "${exported.name}" is also defined in ${other.file}`);
    pipelines.set(exported.name, { ...exported, source: exported.source, file: shown });
  }
  return pipelines;
}

/** Loads one pipeline by name, with a helpful error when it does not exist. */
export async function loadPipeline(project: Project, name: string): Promise<Pipeline & { readonly file: string }> {
  const pipelines = await loadPipelines(project);
  const found = pipelines.get(name);
  if (!found) {
    const known = [...pipelines.keys()];
    throw new DefinitionError(`no pipeline "${name}" in ${path.join(project.dir, 'pipelines')}` +
      (known.length ? ` (found: ${known.join(', ')})` : ' (no pipelines found)'));
  }
  return found;
}

async function importDefault(file: string): Promise<unknown> {
  resolveSluiceImports();
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return module.default;
}
