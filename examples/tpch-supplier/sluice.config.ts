import { defineConfig } from 'sluice';

// The examples share one embedded Postgres (examples/.sluice), so one database holds all their tables.
export default defineConfig({
  database: { embeddedDir: '../.sluice' },
  lake: '.sluice/lake',
});
