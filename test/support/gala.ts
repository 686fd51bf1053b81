import type { BallotView, ImportCeremonyResult, SealResult } from '#contracts';
import { GalaDriver } from '../../tools/rehearse/gala-driver.js';
import { ceremony2017, outcome2017 } from './fixtures.js';
import type { TestSystem } from './system.js';

export { DEMO_JURORS_PER_PANEL } from '../../tools/rehearse/gala-driver.js';

/** The 2017 jury for tests: the rehearse command's driver on the test system. */
export class GalaJury {
  private readonly driver: GalaDriver;

  constructor(system: Pick<TestSystem, 'http' | 'adminToken'>, imported: ImportCeremonyResult) {
    this.driver = new GalaDriver((method, path, options) => system.http(method, path, options), system.adminToken, imported, ceremony2017() as { categories: unknown[] });
  }

  jurorToken(jurorId: string): Promise<string> {
    return this.driver.jurorToken(jurorId);
  }

  async deliberate(categorySlug: string): Promise<{ commitment: string; winnerId: string; motivation: string; seal: SealResult; ballots: (BallotView & { token: string })[] }> {
    const result = outcome2017().find((r) => r.category === categorySlug)!;
    const sealed = await this.driver.deliberate(result);
    return { commitment: sealed.commitment, winnerId: sealed.winnerId, motivation: result.motivation, seal: sealed.seal, ballots: sealed.ballots };
  }
}
