// The covid.ts pipeline of examples/covid, so the examples' dashboard shows every example.
export { default } from '../../covid/pipelines/covid.ts';
