// The stocks.ts pipeline of examples/stocks, so the examples' dashboard shows every example.
export { default } from '../../stocks/pipelines/stocks.ts';
