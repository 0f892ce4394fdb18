// The reddit-hot.ts pipeline of examples/reddit-hot, so the examples' dashboard shows every example.
export { default } from '../../reddit-hot/pipelines/reddit-hot.ts';
