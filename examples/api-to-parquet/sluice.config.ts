import { defineConfig } from 'sluice';

// The examples share one embedded Postgres and one lake (examples/.sluice), so one dashboard shows them all.
export default defineConfig({
  database: { embeddedDir: '../.sluice' },
  lake: '../.sluice/lake',
  // Raw answers older than 30 days: archived locally; on an S3 lake use { storageClass: 'STANDARD_IA' }.
  lifecycle: [{ zone: 'raw', olderThanDays: 30, action: 'archive' }],
});
