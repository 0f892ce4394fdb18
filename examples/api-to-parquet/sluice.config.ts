import { defineConfig } from 'sluice';

export default defineConfig({
  lake: '.sluice/lake',
  // Raw answers older than 30 days: archived locally; on an S3 lake use { storageClass: 'STANDARD_IA' }.
  lifecycle: [{ zone: 'raw', olderThanDays: 30, action: 'archive' }],
});
