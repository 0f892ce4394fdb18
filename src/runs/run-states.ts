/** The states a run moves through: queued -> running -> succeeded | failed | skipped. The one list of them. */
export const RUN_STATES = Object.freeze(['queued', 'running', 'succeeded', 'failed', 'skipped'] as const);

/** A run's state. */
export type RunState = (typeof RUN_STATES)[number];

/** States a run never leaves. */
export const FINAL_STATES: ReadonlySet<RunState> = new Set(['succeeded', 'failed', 'skipped']);
