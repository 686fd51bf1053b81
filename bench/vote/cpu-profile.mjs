// Preloaded into a service by `bench/vote/run.mjs --cpu-prof` (node --import): V8's CPU profiler (the inspector's,
// the one --cpu-prof uses) runs from start-up; on SIGWINCH (not SIGUSR2: Nest's shutdown hooks take that one) the profile is written to $LAUREL_CPU_PROFILE and the
// profiler starts again (so the bench can cut the profile to the burst: it signals once before and once after).
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

const out = process.env.LAUREL_CPU_PROFILE;
if (out) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let n = 0;
  process.on('SIGWINCH', () => {
    void (async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${out}.${n++}.cpuprofile`, JSON.stringify(profile));
      await session.post('Profiler.start');
    })();
  });
}
