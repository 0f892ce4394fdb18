/** How long each stage of a run took, in the order they ran. */
import type { StageTiming } from '../runs/run-store.ts';

/** A run's stage clock: `time` runs a stage and notes its start and length; `stages` lists them. */
export function stageTimer() {
  const done: StageTiming[] = [];
  return {
    async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
      const startedAt = new Date().toISOString();
      const t0 = performance.now();
      try {
        return await work();
      } finally {
        done.push({ stage, startedAt, ms: Math.round(performance.now() - t0) });
      }
    },
    stages: (): readonly StageTiming[] => [...done],
  };
}
