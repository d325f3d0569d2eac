/**
 * Runs `work` on every item with at most `window` of them in flight at once, in order of start;
 * rejects with the first failure once the items in flight have settled.
 */
export async function inWindows<T>(items: readonly T[], window: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
}
