#!/usr/bin/env node
// bench/reveal/write-loop.mjs [--sockets 5000] [--rounds 20] — the CPU of one broadcast loop over N open `ws`
// connections (loopback), user (JavaScript) and system (the kernel's writes) apart, from process.cpuUsage()
// around the synchronous loop: ws's own two-buffer frame (`sendFrame([header, payload])`: cork, two writes,
// uncork; what the bare-ws baseline does) against header and payload in one buffer (`sendFrame([frame])`:
// one write; what the gateway's PrebuiltFrame does). CPU time, not wall time: steadier on a shared machine.
import { once } from 'node:events';
import { createServer } from 'node:http';
import WebSocket, { Sender, WebSocketServer } from 'ws';
import { median } from './lib.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
const N = opt('sockets', 5000);
const rounds = opt('rounds', 20);

const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `ws://127.0.0.1:${server.address().port}`;
const clients = [];
for (let i = 0; i < N; i += 200) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 200); j++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', () => undefined);
    clients.push(ws);
    batch.push(once(ws, 'open'));
  }
  await Promise.all(batch);
}
while (wss.clients.size < N) await new Promise((r) => setTimeout(r, 10));

const payload = Buffer.from(`42/live,["revealed",{"v":2,"pad":"${'x'.repeat(240)}"}]`);
const two = Sender.frame(payload, { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
const one = [Buffer.concat(two)];
const sockets = [...wss.clients];
const drain = () => new Promise((r) => setTimeout(r, 200));
const results = { two: { user: [], system: [] }, one: { user: [], system: [] } };
for (let r = 0; r < rounds; r++) {
  for (const [name, frame] of r % 2 ? [['two', two], ['one', one]] : [['one', one], ['two', two]]) {
    await drain();
    const before = process.cpuUsage();
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws._sender.sendFrame(frame);
    const used = process.cpuUsage(before);
    results[name].user.push(used.user / 1000);
    results[name].system.push(used.system / 1000);
  }
}
await drain();
const row = (name) => `| ${name === 'two' ? 'two buffers (ws `Sender.frame` as is; the baseline)' : 'one buffer (the gateway)'} | ${median(results[name].user).toFixed(1)} | ${median(results[name].system).toFixed(1)} | ${((median(results[name].user) / N) * 1000).toFixed(2)} |`;
console.log(`${N} sockets, ${rounds} loops each, medians of the loop's CPU (ms)\n`);
console.log('| write | user (JS) | system (kernel) | JS per socket (µs) |\n|---|---|---|---|');
console.log(row('two'));
console.log(row('one'));
clients.forEach((c) => c.terminate());
server.close();
process.exit(0);
