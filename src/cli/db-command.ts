/** `sluice db start|stop|url`: the project's embedded Postgres. */
import { ensureEmbeddedPostgres, findEmbeddedPostgres, stopEmbeddedPostgres } from '../database/embedded-postgres.ts';
import { DefinitionError } from '../config/parse-options.ts';
import { openProject } from '../pipeline/project.ts';

export async function dbCommand(action: string, options: { readonly project: string }): Promise<void> {
  const project = await openProject(options.project);
  if (project.databaseUrl && action !== 'url') {
    process.stdout.write('DATABASE_URL is set: sluice uses that database and starts no embedded one\n');
    return;
  }
  switch (action) {
    case 'start': {
      const server = await ensureEmbeddedPostgres(project.stateDir);
      process.stdout.write(`embedded Postgres ${server.started ? 'started' : 'already running'} on 127.0.0.1:${server.port} (data in ${server.dataDir})\n`);
      return;
    }
    case 'stop': {
      const stopped = await stopEmbeddedPostgres(project.stateDir);
      process.stdout.write(stopped ? 'embedded Postgres stopped\n' : 'embedded Postgres was not running\n');
      return;
    }
    case 'url': {
      const url = project.databaseUrl ?? (await findEmbeddedPostgres(project.stateDir) ?? await ensureEmbeddedPostgres(project.stateDir)).url;
      process.stdout.write(url + '\n');
      return;
    }
    default:
      throw new DefinitionError(`db ${action}: expected start, stop or url`);
  }
}
