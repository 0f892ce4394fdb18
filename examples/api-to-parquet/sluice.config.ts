import { defineConfig } from 'sluice';

// The examples share one embedded Postgres (examples/.sluice), so one database holds all their tables.
export default defineConfig({
  database: { embeddedDir: '../.sluice' },
  lake: '.sluice/lake',
  // Raw answers older than 30 days: archived locally; on an S3 lake use { storageClass: 'STANDARD_IA' }.
  lifecycle: [{ zone: 'raw', olderThanDays: 30, action: 'archive' }],
});
