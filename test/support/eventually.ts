/** Retries an async assertion until it passes or the deadline passes (no fixed sleeps in tests). */
export async function eventually<T>(assertion: () => T | Promise<T>, { timeoutMs = 10000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw lastError;
}
