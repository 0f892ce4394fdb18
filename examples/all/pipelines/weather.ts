// The weather.ts pipeline of examples/api-to-parquet, so the examples' dashboard shows every example.
export { default } from '../../api-to-parquet/pipelines/weather.ts';
