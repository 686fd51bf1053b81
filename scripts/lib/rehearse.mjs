// @ts-check
// ./laurel rehearse: the 2017 gala end to end against the running system (see tools/rehearse).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function rehearse(args) {
  const entry = path.join(ROOT, 'dist', 'tools', 'rehearse', 'main.js');
  if (!fs.existsSync(entry)) {
    const built = await new Promise((resolve) => spawn('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' }).on('exit', resolve));
    if (built !== 0) return 1;
  }
  const env = { ...process.env };
  if (!env.LAUREL_ADMIN_TOKEN) {
    // The token `./laurel run` keeps for this checkout.
    try {
      env.LAUREL_ADMIN_TOKEN = fs.readFileSync(path.join(ROOT, '.laurel', 'admin-token'), 'utf8').trim();
    } catch {
      // rehearse explains what is missing
    }
  }
  if (!args.includes('--url') && !env.LAUREL_URL) env.LAUREL_URL = `http://127.0.0.1:${env.PORT || 3000}`;
  return new Promise((resolve) => spawn(process.execPath, [entry, ...args], { cwd: ROOT, env, stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)));
}
