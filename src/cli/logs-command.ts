/** `sluice logs <runId> [--follow]`: a run's structured log, as text or JSON lines. */
import { FINAL_STATES, type RunState } from '../runs/run-states.ts';
import { readRunLog } from '../runs/run-log.ts';
import { withContext } from './context.ts';

const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pipeline', 'runId']);

export async function logsCommand(runId: string, options: { readonly project: string; readonly follow?: boolean; readonly json?: boolean }): Promise<void> {
  await withContext(options.project, async (ctx) => {
    const status = async () => (await ctx.database.pool.query<{ status: RunState }>('SELECT status FROM sluice.runs WHERE run_id = $1', [runId])).rows[0]?.status;
    if (!(await status())) throw new Error(`no run ${runId} (see sluice runs)`);
    let seq = 0;
    for (;;) {
      const ended = FINAL_STATES.has((await status())!);
      for (const { seq: n, line } of await readRunLog(ctx.database.pool, runId, seq)) {
        seq = n;
        process.stdout.write(options.json ? JSON.stringify(line) + '\n' : format(line));
      }
      if (!options.follow || ended) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}

function format(line: Record<string, unknown>): string {
  const extra = Object.entries(line).filter(([k]) => !SHOWN_APART.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${String(line.time ?? '').slice(11, 23)} ${(LEVELS[line.level as number] ?? '').padEnd(5)} ${line.msg ?? ''}${extra.length ? `  ${extra.join(' ')}` : ''}\n`;
}
