// Start a nats-server from a config file on spare ports (for checks of deploy/nats/nats.conf).
import fs from 'node:fs';
import path from 'node:path';
import { ensureNatsServer } from './infra.mjs';
import { natsConfForLocalServer } from './nats-durability.mjs';
import { Child, pickPort, sleep, tcpReachable } from './util.mjs';

export async function startNatsWithConfig({ config, storeDir, env = {} }) {
  const bin = ensureNatsServer({ install: false });
  if (!bin) throw new Error('nats-server is required');
  const port = await pickPort(14222);
  const monitor = await pickPort(18222, { avoid: [port] });
  // Flags override the file's port and monitoring port; the store folder (which a flag may not
  // override) is swapped in a copy next to the copied includes.
  const copyDir = fs.mkdtempSync(path.join(storeDir, 'conf-'));
  for (const file of fs.readdirSync(path.dirname(config))) {
    if (file.endsWith('.conf')) fs.writeFileSync(path.join(copyDir, file), natsConfForLocalServer(fs.readFileSync(path.join(path.dirname(config), file), 'utf8'), bin));
  }
  const copied = path.join(copyDir, path.basename(config));
  fs.writeFileSync(copied, fs.readFileSync(copied, 'utf8').replace(/store_dir:.*$/m, `store_dir: "${path.join(storeDir, 'js')}"`));
  const child = new Child('nats', bin, ['-c', copied, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor)], {
    cwd: copyDir,
    env: { ...process.env, ...env },
  });
  for (let i = 0; i < 100; i++) {
    if (child.exited) break;
    if (await tcpReachable(port)) return { url: `nats://127.0.0.1:${port}`, port, stop: () => child.stop('SIGTERM', 5000) };
    await sleep(100);
  }
  await child.stop('SIGKILL', 1000);
  throw new Error(`nats-server did not start with ${config}:\n${child.tail.join('\n')}`);
}
