/**
 * Runs `task(i)` for i in 0..n-1 with at most `concurrency` in flight; results in index order. The
 * first failure stops new tasks from starting and is what the returned promise rejects with.
 */
export async function mapWithConcurrency<T>(
  n: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < n && !failed) {
      const i = next++;
      try {
        results[i] = await task(i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  return results;
}
