/**
 * Hop stamps for bench/reveal `--trace`: where a reveal's time goes between processes. Off unless the process
 * was started with LAUREL_TRACE_HOPS=1 (then one line `LAUREL_HOP <hop> <ns>` per hop on stderr, the time on
 * CLOCK_MONOTONIC, one clock for every process of the machine). Never set in a deployment.
 */
const tracing = process.env.LAUREL_TRACE_HOPS === '1';

/** Whether this process stamps hops (a stamp that needs a middleware of its own is added only then). */
export const hopsTraced = tracing;

export function traceHop(hop: string): void {
  if (tracing) process.stderr.write(`LAUREL_HOP ${hop} ${process.hrtime.bigint()}\n`);
}
