/** `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: where a profile's self time went (see bench/profile.ts). */
import { readFileSync } from 'node:fs';
import { summarize, type CpuProfile } from './profile.js';

const [file, top] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
process.stdout.write(`${summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25))}\n`);
