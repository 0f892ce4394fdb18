/** Opens what a command works on: the project, its database and its lake. */
import { openDatabase, type Database } from '../database/database.ts';
import { openLake } from '../lake/open-lake.ts';
import type { Lake } from '../lake/lake.ts';
import { openProject, type Project } from '../pipeline/project.ts';

/** A command's open project; `close` must be called before the command returns. */
export interface CommandContext {
  readonly project: Project;
  readonly database: Database;
  readonly lake: Lake;
  close(): Promise<void>;
}

export async function openContext(projectDir: string): Promise<CommandContext> {
  const project = await openProject(projectDir);
  const database = await openDatabase({ url: project.databaseUrl, stateDir: project.stateDir });
  return { project, database, lake: openLake(project.lake, project.dir), close: () => database.close() };
}

/** Runs `work` with an open context and always closes it. */
export async function withContext<T>(projectDir: string, work: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(projectDir);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
