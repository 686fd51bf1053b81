import type { BallotView, ImportCeremonyResult, IssuedToken, JurorView, SealResult, VerdictResult } from '#contracts';
import { eventually } from './eventually.js';
import { ceremony2017, outcome2017 } from './fixtures.js';
import type { TestSystem } from './system.js';

interface FileCategory {
  slug: string;
  criteria?: { key: string }[];
}

export const DEMO_JURORS_PER_PANEL = 3;

/** Drives the jury of the 2017 gala over REST, as the jurors and chairs would on their phones. */
export class GalaJury {
  private readonly file = ceremony2017();
  private readonly outcome = outcome2017();

  constructor(
    private readonly system: TestSystem,
    private readonly imported: ImportCeremonyResult,
  ) {}

  private get base(): string {
    return `/api/v1/ceremonies/${this.imported.slug}`;
  }

  private admin<T>(method: string, path: string, body?: unknown) {
    return this.system.http<T>(method, `${this.base}${path}`, { token: this.system.adminToken, body });
  }

  async jurorToken(jurorId: string): Promise<string> {
    const issued = await this.admin<IssuedToken>('POST', '/tokens', { role: 'juror', jurorId });
    if (issued.status !== 201) throw new Error(`juror token: ${issued.status} ${issued.text}`);
    await eventually(async () => {
      const me = await this.system.http('GET', `${this.base}/me`, { token: issued.body.token });
      if (me.status !== 200) throw new Error(`juror token not active yet: ${me.status}`);
    });
    return issued.body.token;
  }

  /** The panel of a category: the real jury (first juror appointed chair) or clearly labelled demo jurors. */
  async panel(categorySlug: string): Promise<(JurorView & { token: string })[]> {
    const category = this.imported.categories.find((c) => c.slug === categorySlug)!;
    const everyone = await eventually(async () => {
      const res = await this.admin<JurorView[]>('GET', '/jurors');
      if (res.status !== 200) throw new Error(`jurors: ${res.status} ${res.text}`);
      return res.body;
    });
    let panel = everyone.filter((j) => j.categoryId === category.id);
    if (panel.length > 0) {
      if (!panel.some((j) => j.chair)) {
        const chair = await this.admin<JurorView>('PUT', `/categories/${categorySlug}/chair`, { jurorId: panel[0].id });
        if (chair.status !== 200) throw new Error(`chair: ${chair.status} ${chair.text}`);
        panel = panel.map((j, i) => ({ ...j, chair: i === 0 }));
      }
    } else {
      for (let i = 1; i <= DEMO_JURORS_PER_PANEL; i++) {
        const added = await this.admin<{ id: string }>('POST', `/categories/${categorySlug}/jurors`, {
          name: `Demojurymedlem ${i}`,
          affiliation: 'Demojury (källan namnger ingen jury)',
          chair: i === 1,
          demo: true,
        });
        if (added.status !== 201) throw new Error(`add juror: ${added.status} ${added.text}`);
        panel.push({ id: added.body.id, name: `Demojurymedlem ${i}`, affiliation: null, title: null, categoryId: category.id, chair: i === 1, demo: true, conflicts: [] });
      }
    }
    const withTokens: (JurorView & { token: string })[] = [];
    for (const juror of panel) withTokens.push({ ...juror, token: await this.jurorToken(juror.id) });
    return withTokens;
  }

  /** Every juror scores so the real winner wins and locks; the chair enters the real motivation and seals. */
  async deliberate(categorySlug: string): Promise<{ commitment: string; winnerId: string; motivation: string }> {
    const result = this.outcome.find((r) => r.category === categorySlug)!;
    const category = this.imported.categories.find((c) => c.slug === categorySlug)!;
    const criteria = (this.file.categories as FileCategory[]).find((c) => c.slug === categorySlug)!.criteria?.map((c) => c.key) ?? ['overall'];
    const winner = category.nominees.find((n) => n.slug === result.winner)!;
    const panel = await this.panel(categorySlug);
    for (const [j, juror] of panel.entries()) {
      const scores = Object.fromEntries(
        category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, n.id === winner.id ? 9 - (j % 2) : 2 + ((j + k + ci) % 6)]))]),
      );
      const path = `${this.base}/categories/${categorySlug}/ballot`;
      const draft = await this.system.http<BallotView>('PUT', path, { token: juror.token, body: { scores } });
      if (draft.status !== 200) throw new Error(`ballot: ${draft.status} ${draft.text}`);
      const locked = await this.system.http<BallotView>('POST', `${path}/lock`, { token: juror.token });
      if (locked.status !== 200) throw new Error(`lock: ${locked.status} ${locked.text}`);
    }
    const chair = panel.find((j) => j.chair)!;
    const verdict = await this.system.http<VerdictResult>('POST', `${this.base}/categories/${categorySlug}/verdict`, { token: chair.token, body: { motivation: result.motivation } });
    if (verdict.status !== 200 || verdict.body.winnerId !== winner.id) throw new Error(`verdict: ${verdict.status} ${verdict.text}`);
    const sealed = await this.system.http<SealResult>('POST', `${this.base}/categories/${categorySlug}/verdict/seal`, { token: chair.token });
    if (sealed.status !== 200) throw new Error(`seal: ${sealed.status} ${sealed.text}`);
    return { commitment: sealed.body.commitment, winnerId: winner.id, motivation: result.motivation };
  }
}
