/**
 * The states a run moves through: queued -> running -> succeeded | failed | skipped | abandoned. The one list of them.
 * `abandoned`: its process died before it ended (closed by the next run of the pipeline, `sluice start`, or a takeover).
 */
export const RUN_STATES = Object.freeze(['queued', 'running', 'succeeded', 'failed', 'skipped', 'abandoned'] as const);

/** A run's state. */
export type RunState = (typeof RUN_STATES)[number];

/** States a run never leaves. */
export const FINAL_STATES: ReadonlySet<RunState> = new Set(['succeeded', 'failed', 'skipped', 'abandoned']);
