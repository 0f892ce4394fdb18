/** sluice's public API: what a pipeline module or `sluice.config.ts` imports from 'sluice'. */
export { definePipeline, type Pipeline, type PipelineDefinition } from './pipeline/define-pipeline.ts';
export { defineConfig, type ProjectConfig } from './pipeline/project.ts';
export { files } from './extract/files/files-source.ts';
export type { FilesOptions, FileInfo } from './extract/files/files-config.ts';
export { http } from './extract/http/http-source.ts';
export { httpFile, type HttpFileOptions } from './extract/http/http-file.ts';
export type { HttpOptions } from './extract/http/http-config.ts';
export { RetryableError, TerminalError } from './extract/errors.ts';
export type { Source, SourceObject, RecordBatch } from './extract/source.ts';
export { postgres } from './load/postgres/postgres-destination.ts';
export { parquet } from './load/parquet/parquet-destination.ts';
export type { Destination } from './load/destination.ts';
export { col, type Column, type Columns, type ReadRow, type WriteRow } from './transform/columns.ts';
export type { TransformContext } from './transform/transform-batch.ts';
export { secret } from './secrets/secret.ts';
export { cron, manual, onFile } from './schedule/triggers.ts';
export { email, type EmailOptions } from './alerts/email.ts';
export { webhook, type WebhookOptions } from './alerts/webhook.ts';
