import { appendFileSync } from 'node:fs';

/**
 * LAUREL_JEST_HANDLES=<file>: after each test file (unit and e2e), the handles its run left in the worker process (timers, sockets,
 * child processes; `process.getActiveResourcesInfo()` 1 s after the file's last afterAll, against its first
 * beforeAll), one line per file in <file>. Finds the file behind jest's "a worker process has failed to exit
 * gracefully". Off unless set.
 */
const out = process.env.LAUREL_JEST_HANDLES;
if (out) {
  const count = () => {
    const byType = new Map<string, number>();
    for (const type of process.getActiveResourcesInfo()) byType.set(type, (byType.get(type) ?? 0) + 1);
    return byType;
  };
  let before = new Map<string, number>();
  beforeAll(() => {
    before = count();
  });
  afterAll(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = count();
    const left = [...after].filter(([type, n]) => n > (before.get(type) ?? 0) && type !== 'Timeout').map(([type, n]) => `${type} +${n - (before.get(type) ?? 0)}`);
    const timers = (after.get('Timeout') ?? 0) - (before.get('Timeout') ?? 0) - 1; // the wait above
    if (timers > 0) left.push(`Timeout +${timers}`);
    const all = [...after].map(([type, n]) => `${type}×${n}`).join(' ');
    appendFileSync(out, `${expect.getState().testPath} ${left.join(', ') || 'none'} [open after: ${all}]\n`);
  }, 10_000);
}
