/** Bounded concurrency with ordered results, for per-object work that mostly waits on I/O (landing files). */

/**
 * Runs `work` on each item with at most `limit` in flight; the results keep the items' order. After a failure no
 * new item starts; the first failure is thrown once the ones in flight have settled.
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
