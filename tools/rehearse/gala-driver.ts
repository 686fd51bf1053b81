import type { BallotView, ImportCeremonyResult, IssuedToken, JurorView, SealResult, VerdictResult, WritesState } from '#contracts';

/** One HTTP call against the gateway: status, parsed body and raw text. */
export type Http = <T = unknown>(method: string, path: string, options?: { token?: string; body?: unknown }) => Promise<{ status: number; body: T; text: string }>;

export interface OutcomeResult {
  category: string;
  winner: string;
  motivation: string;
}

interface FileCategory {
  slug: string;
  criteria?: { key: string }[];
}

export const DEMO_JURORS_PER_PANEL = 3;

async function retry<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function must<T>(res: { status: number; body: T; text: string }, expected: number, what: string): T {
  if (res.status !== expected) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/**
 * A command whose effect other services serve answers 202 (with `writes.href`) when they did not confirm
 * it in time: follow the status link until it is complete, as a careful client does, then go on.
 */
async function settled<T>(http: Http, token: string, res: { status: number; body: T; text: string }, expected: number, what: string, timeoutMs = 60_000): Promise<T> {
  if (res.status !== 202) return must(res, expected, what);
  const href = (res.body as { writes?: WritesState }).writes?.href;
  if (!href) throw new Error(`${what}: HTTP 202 without a status link`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = must(await http<WritesState>('GET', href, { token }), 200, `${what}: status`);
    if (state.status === 'complete') return res.body;
    if (state.status === 'failed') throw new Error(`${what}: ${state.failed.join(', ')} could not apply it`);
    if (Date.now() > deadline) throw new Error(`${what}: still pending at ${state.pending.join(', ')} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Drives the jury of a ceremony over REST as jurors and chairs would on their phones: the real panel
 * where the file names one (its first juror appointed chair), else clearly labelled demo jurors;
 * everyone scores so the given winner wins and locks; the chair enters the motivation and seals.
 */
export class GalaDriver {
  constructor(
    private readonly http: Http,
    private readonly adminToken: string,
    private readonly imported: ImportCeremonyResult,
    private readonly file: { categories: unknown[] },
  ) {}

  get base(): string {
    return `/api/v1/ceremonies/${this.imported.slug}`;
  }

  async token(role: 'producer' | 'press' | 'screen' | 'juror', jurorId?: string): Promise<string> {
    const issued = await this.http<IssuedToken>('POST', `${this.base}/tokens`, { token: this.adminToken, body: { role, jurorId } });
    return (await settled(this.http, this.adminToken, issued, 201, `issue ${role} token`)).token;
  }

  async jurorToken(jurorId: string): Promise<string> {
    const token = await this.token('juror', jurorId);
    // Grants reach the gateway through a KV bucket: wait until it knows this one.
    await retry(async () => must(await this.http('GET', `${this.base}/me`, { token }), 200, 'juror token active'));
    return token;
  }

  async panel(categorySlug: string): Promise<(JurorView & { token: string })[]> {
    const category = this.imported.categories.find((c) => c.slug === categorySlug)!;
    const everyone = await retry(async () => must(await this.http<JurorView[]>('GET', `${this.base}/jurors`, { token: this.adminToken }), 200, 'list jurors'));
    let panel = everyone.filter((j) => j.categoryId === category.id);
    if (panel.length > 0) {
      if (!panel.some((j) => j.chair)) {
        must(await this.http('PUT', `${this.base}/categories/${categorySlug}/chair`, { token: this.adminToken, body: { jurorId: panel[0].id } }), 200, 'appoint chair');
        panel = panel.map((j, i) => ({ ...j, chair: i === 0 }));
      }
    } else {
      for (let i = 1; i <= DEMO_JURORS_PER_PANEL; i++) {
        const added = must(
          await this.http<{ id: string }>('POST', `${this.base}/categories/${categorySlug}/jurors`, {
            token: this.adminToken,
            body: { name: `Demojurymedlem ${i}`, affiliation: 'Demojury (källan namnger ingen jury)', chair: i === 1, demo: true },
          }),
          201,
          'add demo juror',
        );
        panel.push({ id: added.id, name: `Demojurymedlem ${i}`, affiliation: null, title: null, categoryId: category.id, chair: i === 1, demo: true, conflicts: [] });
      }
    }
    const withTokens: (JurorView & { token: string })[] = [];
    for (const juror of panel) withTokens.push({ ...juror, token: await this.jurorToken(juror.id) });
    return withTokens;
  }

  /** Deliberates one category so `result.winner` wins with `result.motivation`; returns the seal and each locked ballot (with its receipt). */
  async deliberate(result: OutcomeResult): Promise<{ commitment: string; winnerId: string; jurors: number; seal: SealResult; ballots: (BallotView & { token: string })[] }> {
    const category = this.imported.categories.find((c) => c.slug === result.category)!;
    const criteria = (this.file.categories as FileCategory[]).find((c) => c.slug === result.category)?.criteria?.map((c) => c.key) ?? ['overall'];
    const winner = category.nominees.find((n) => n.slug === result.winner);
    if (!winner) throw new Error(`${result.winner} is not a nominee of ${result.category}`);
    const panel = await this.panel(result.category);
    const ballots: (BallotView & { token: string })[] = [];
    for (const [j, juror] of panel.entries()) {
      const scores = Object.fromEntries(
        category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, n.id === winner.id ? 9 - (j % 2) : 2 + ((j + k + ci) % 6)]))]),
      );
      const path = `${this.base}/categories/${result.category}/ballot`;
      must(await this.http<BallotView>('PUT', path, { token: juror.token, body: { scores } }), 200, `${juror.name}: save ballot`);
      ballots.push({ ...must(await this.http<BallotView>('POST', `${path}/lock`, { token: juror.token }), 200, `${juror.name}: lock ballot`), token: juror.token });
    }
    const chair = panel.find((j) => j.chair)!;
    const verdict = must(
      await this.http<VerdictResult>('POST', `${this.base}/categories/${result.category}/verdict`, { token: chair.token, body: { motivation: result.motivation } }),
      200,
      'verdict',
    );
    if (verdict.winnerId !== winner.id) throw new Error(`verdict names ${verdict.winnerId}, expected ${winner.id}`);
    const seal = await this.http<SealResult>('POST', `${this.base}/categories/${result.category}/verdict/seal`, { token: chair.token });
    const sealed = await settled(this.http, chair.token, seal, 200, 'seal');
    return { commitment: sealed.commitment, winnerId: winner.id, jurors: panel.length, seal: sealed, ballots };
  }
}

/** fetch-based Http for a gateway URL. */
export function httpClient(gatewayUrl: string): Http {
  return async <T>(method: string, path: string, { token, body }: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gatewayUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // CSV or HTML
    }
    return { status: response.status, body: parsed as T, text };
  };
}
