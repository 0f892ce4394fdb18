/**
 * Runs one pipeline in this process and prints its result with this process's peak RSS: the bench's sluice side.
 * `node bench/measure-sluice.ts <project> <pipeline> [name=value ...]` (values are the run's params).
 */
import { openDatabase } from '../src/database/database.ts';
import { openLake } from '../src/lake/open-lake.ts';
import { loadPipeline, openProject } from '../src/pipeline/project.ts';
import { runPipeline } from '../src/pipeline/run-pipeline.ts';

const [projectDir, name, ...rest] = process.argv.slice(2) as [string, string, ...string[]];
const params = Object.fromEntries(rest.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
const project = await openProject(projectDir);
const database = await openDatabase({ url: project.databaseUrl, stateDir: project.stateDir });
const pipeline = await loadPipeline(project, name);
const started = performance.now();
const result = await runPipeline(pipeline, { projectDir: project.dir, database, lake: openLake(project.lake, project.dir) }, { params });
const ms = performance.now() - started;
await database.close();
process.stdout.write(JSON.stringify({ status: result.status, error: result.error, counts: result.counts, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
