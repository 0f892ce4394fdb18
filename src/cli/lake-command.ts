/** `sluice lake lifecycle [--dry-run]`: applies the project's lifecycle rules to its lake. */
import { applyLifecycle } from '../lake/lifecycle.ts';
import { openLake } from '../lake/open-lake.ts';
import { DefinitionError } from '../config/parse-options.ts';
import { openProject } from '../pipeline/project.ts';

export async function lakeCommand(action: string, options: { readonly project: string; readonly dryRun?: boolean }): Promise<void> {
  if (action !== 'lifecycle') throw new DefinitionError(`lake ${action}: expected lifecycle`);
  const project = await openProject(options.project);
  if (!project.lifecycle.length) {
    process.stdout.write('no lifecycle rules in sluice.config.ts (lifecycle: [{ zone, olderThanDays, action }])\n');
    return;
  }
  const done = await applyLifecycle(openLake(project.lake, project.dir), project.lifecycle, { dryRun: options.dryRun });
  for (const a of done) process.stdout.write(`${options.dryRun ? 'would ' : ''}${a.action}: ${a.key}\n`);
  process.stdout.write(`${done.length} object(s) ${options.dryRun ? 'due' : 'done'}\n`);
}
