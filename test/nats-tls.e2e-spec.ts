import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { ImportCeremonyResult } from '#contracts';
import { domainConfig, DomainServiceEnv, NatsBus, natsTlsOf, startDomainService } from '#messaging';
import { createLogger, loadEnv } from '#observability';
import { createTestDatabase, type TestDatabase } from '#persistence';
import { gatewayConfig, startGateway } from '../apps/gateway/src/bootstrap.js';
import { GatewayEnv } from '../apps/gateway/src/config.js';
import { AnnouncementsModule } from '../apps/announcements/src/announcements.module.js';
import { announcementsConfig, AnnouncementsEnv } from '../apps/announcements/src/config.js';
import { JuryModule } from '../apps/jury/src/jury.module.js';
import { nominationsConfig, NominationsEnv } from '../apps/nominations/src/config.js';
import { NominationsModule } from '../apps/nominations/src/nominations.module.js';
import { ceremony2017 } from './support/fixtures.js';
import { startNatsServer, type TestNatsServer } from './support/nats-server.js';
import { eventually } from './support/eventually.js';
import { TEST_ADMIN_TOKEN, TEST_SERVICE_TOKEN } from './support/system.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * NATS over TLS with a real nats-server that requires it, certificates from deploy/nats/dev-certs.sh:
 * a domain service (Nest's NATS transport and its JetStream connection) and the gateway boot with a
 * tls:// NATS_URL and NATS_TLS_CA_FILE validated at boot, and a REST call travels gateway → NATS →
 * nominations (and on to jury and announcements) over TLS. Without the CA, or against a server without TLS, the connection is refused.
 */
describe('NATS TLS', () => {
  let certs: string;
  let nats: TestNatsServer;
  let plain: TestNatsServer;
  let db: TestDatabase;
  let tlsUrl: string;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    certs = mkdtempSync(join(tmpdir(), 'laurel-nats-tls-'));
    const made = spawnSync('sh', [join(ROOT, 'deploy/nats/dev-certs.sh'), certs, 'localhost'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`dev-certs.sh failed: ${made.stderr}`);
    [nats, plain, db] = await Promise.all([
      startNatsServer({ extraArgs: ['--tls', '--tlscert', join(certs, 'server.pem'), '--tlskey', join(certs, 'server-key.pem')] }),
      startNatsServer(),
      createTestDatabase('nats_tls'),
    ]);
    tlsUrl = `tls://127.0.0.1:${nats.port}`;
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await Promise.all([nats?.dispose(), plain?.dispose(), db?.drop()]);
    rmSync(certs, { recursive: true, force: true });
  });

  it('boots every service and the gateway on tls:// with the CA, and a call crosses NATS over TLS', async () => {
    const caFile = join(certs, 'ca.pem');
    // Through the services' own environment validation, as their main.ts does; each domain service as its own database role.
    const base = (service: 'nominations' | 'jury' | 'announcements') => ({ NATS_URL: tlsUrl, NATS_TLS_CA_FILE: caFile, DATABASE_URL: db.serviceUrls[service], PORT: '0' });
    const nominationsCfg = nominationsConfig(loadEnv(NominationsEnv, { ...base('nominations'), LAUREL_ADMIN_TOKEN: TEST_ADMIN_TOKEN }), 0);
    const juryCfg = domainConfig(loadEnv(DomainServiceEnv, base('jury')), 0);
    const announcementsCfg = announcementsConfig(loadEnv(AnnouncementsEnv, { ...base('announcements'), LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN }), 0);
    apps.push(await startDomainService('nominations', NominationsModule.forRoot(nominationsCfg), nominationsCfg));
    apps.push(await startDomainService('jury', JuryModule.forRoot(juryCfg), juryCfg));
    apps.push(await startDomainService('announcements', AnnouncementsModule.forRoot(announcementsCfg), announcementsCfg));
    const gateway = await startGateway(gatewayConfig(loadEnv(GatewayEnv, { NATS_URL: tlsUrl, NATS_TLS_CA_FILE: caFile, PORT: '0', LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN })));
    apps.push(gateway);
    const url = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    for (const app of apps) expect((await fetch(`${url(app)}/health/ready`)).status).toBe(200);
    // The admin grant travels nominations → JetStream KV → gateway over TLS; the import then waits for jury and announcements (read-your-writes).
    const imported = await eventually(async () => {
      const answer = await fetch(`${url(gateway)}/api/v1/ceremonies`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(ceremony2017()) });
      expect(answer.status).not.toBe(401);
      return answer;
    });
    expect(imported.status).toBe(201);
    expect(((await imported.json()) as ImportCeremonyResult).slug).toBe('kvalitetsmassan-2017');
    const jurors = await fetch(`${url(gateway)}/api/v1/ceremonies/kvalitetsmassan-2017/jurors`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(jurors.status).toBe(200);
  }, 90_000);

  it('refuses a server whose certificate it cannot verify (no CA), and a server without TLS', async () => {
    const logger = createLogger('nats-tls-test');
    await expect(NatsBus.connect(tlsUrl, 'no-ca', logger, { tls: natsTlsOf(tlsUrl, undefined) })).rejects.toThrow(/certificate/i);
    const plainTls = `tls://127.0.0.1:${plain.port}`;
    await expect(NatsBus.connect(plainTls, 'downgrade', logger, { tls: natsTlsOf(plainTls, join(certs, 'ca.pem')) })).rejects.toThrow(/tls/i);
  });

  it.each([
    ['a CA beside nats:// URLs', { NATS_URL: 'nats://127.0.0.1:4222', NATS_TLS_CA_FILE: 'CA' }, /NATS_TLS_CA_FILE=.*only used with tls:\/\/ NATS_URLs/],
    ['a CA file that does not exist', { NATS_URL: 'tls://127.0.0.1:4222', NATS_TLS_CA_FILE: '/nonexistent/ca.pem' }, /NATS_TLS_CA_FILE=.*cannot be read/],
    ['tls:// and nats:// mixed', { NATS_URL: 'tls://a:4222,nats://b:4222' }, /NATS_URL=.*one scheme for all/],
  ])('refuses %s at boot, gateway and domain services alike', (_what, env, message) => {
    const values = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'CA' ? join(certs, 'ca.pem') : v]));
    expect(() => loadEnv(GatewayEnv, values)).toThrow(message);
    expect(() => loadEnv(DomainServiceEnv, { ...values, DATABASE_URL: 'postgres://x@127.0.0.1/laurel_test_x' })).toThrow(message);
  });
});
