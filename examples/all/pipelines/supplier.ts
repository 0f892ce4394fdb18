// The supplier.ts pipeline of examples/tpch-supplier, so the examples' dashboard shows every example.
export { default } from '../../tpch-supplier/pipelines/supplier.ts';
