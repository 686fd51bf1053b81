// Shared helpers for bench/reveal (plain Node ESM, no build step).

/** Milliseconds on CLOCK_MONOTONIC: one clock for every process on this machine. */
export function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    min: sorted[0],
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

export function median(values) {
  const s = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** Child → parent messages over the IPC channel; parent → child replies are matched by id. */
export function serveIpc(handlers) {
  process.on('message', async (msg) => {
    const { id, cmd, args } = msg;
    try {
      const result = await handlers[cmd](args ?? {});
      process.send({ id, ok: true, result });
    } catch (error) {
      process.send({ id, ok: false, error: error?.stack ?? String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: call(child, cmd, args) → Promise of the child's answer. */
export function ipcClient(child) {
  let next = 1;
  const pending = new Map();
  child.on('message', (msg) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`child exited (${code ?? signal})`));
    pending.clear();
  });
  return (cmd, args) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, args });
    });
}
