import { defineConfig } from 'sluice';

// The examples share one embedded Postgres and one lake (examples/.sluice), so one dashboard shows them all.
export default defineConfig({
  database: { embeddedDir: '../.sluice' },
  lake: '../.sluice/lake',
});
