import { defineConfig } from 'sluice';

// Every example's pipelines in one project, for one dashboard over the shared database and lake.
export default defineConfig({
  database: { embeddedDir: '../.sluice' },
  lake: '../.sluice/lake',
  lifecycle: [{ zone: 'raw', olderThanDays: 30, action: 'archive' }],
});
