/** `sluice ui`: the dashboard alone ("Run now" runs in this process). */
import { loadPipelines } from '../pipeline/project.ts';
import { openContext } from './context.ts';
import { startDashboard } from './dashboard-server.ts';

export async function uiCommand(options: { readonly project: string; readonly port: string; readonly host: string }): Promise<void> {
  const ctx = await openContext(options.project);
  const pipelines = [...(await loadPipelines(ctx.project)).values()];
  const dashboard = await startDashboard(ctx, pipelines, { port: Number(options.port), host: options.host });
  process.stdout.write(`dashboard: ${dashboard.url}\nstop with Ctrl-C\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void dashboard.close().then(() => ctx.close()).then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
