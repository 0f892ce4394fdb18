/** The dashboard of a command's project: built from its pipelines, served, and its URL printed. */
import type { PgBoss } from 'pg-boss';
import { createDashboard } from '../dashboard/dashboard.ts';
import { dashboardToken } from '../dashboard/dashboard-token.ts';
import { serveDashboard } from '../dashboard/serve-dashboard.ts';
import type { Pipeline } from '../pipeline/define-pipeline.ts';
import { executeRun } from '../pipeline/execute-run.ts';
import { fire } from '../schedule/trigger-ledger.ts';
import { manualRunKey } from '../schedule/triggers.ts';
import { lakeQueryPlaces } from '../publish/lake-query.ts';
import type { CommandContext } from './context.ts';

/** Serves the dashboard; "Run now" queues the run when a queue is given, else runs it in this process. */
export async function startDashboard(ctx: CommandContext, pipelines: readonly Pipeline[], options: { port: number; host: string; boss?: PgBoss }) {
  const token = dashboardToken(ctx.project.stateDir);
  const runNow = async (pipeline: Pipeline): Promise<string> => {
    const key = manualRunKey();
    if (options.boss) {
      await fire(ctx.database.pool, options.boss, pipeline.name, key, 'manual');
    } else {
      // No workers in this process's reach: run it here, in the background.
      void executeRun(pipeline, { projectDir: ctx.project.dir, database: ctx.database, lake: ctx.lake, alerts: ctx.project.alerts }, { runKey: key, trigger: 'manual' }).catch(() => {});
    }
    return key;
  };
  const app = createDashboard({
    token, database: ctx.database, lake: ctx.lake, pipelines, runNow,
    lakePlaces: lakeQueryPlaces(ctx.project),
  });
  return serveDashboard(app, { port: options.port, host: options.host, token });
}
