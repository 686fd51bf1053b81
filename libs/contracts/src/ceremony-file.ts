import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { FieldProblem } from './errors.js';
import { intakeDeclarationProblems, type IntakeDeclaration } from './intake.js';
import type { SegmentTiming, ShowTiming } from './show-clock.js';

/** The ceremony file as organisers write it (schema: libs/contracts/schema/ceremony.schema.json). */
export interface CeremonyFile {
  about?: string;
  ceremony: {
    slug: string;
    name: string;
    edition?: number;
    fair?: string;
    venue?: string;
    date?: string;
    timezone?: string;
    locale?: string;
    host?: string;
  };
  categories: CeremonyFileCategory[];
  runOfShow?: string[];
  /** Planned durations (seconds) for the show clock; `categories` is every category's default. */
  timing?: { welcome?: number; closing?: number; interlude?: number; categories?: SegmentTiming };
  [extra: string]: unknown;
}

export interface CeremonyFileCategory {
  slug: string;
  name: string;
  description?: string;
  theme?: string;
  eligibility?: string;
  eligibleKinds?: string[];
  entriesReceived?: number;
  nomineesCount?: number;
  nomineeBounds?: { min?: number; max?: number };
  nominees?: CeremonyFileNominee[];
  /** Submissions, imported as entries (checked against eligibleKinds); nominees may later be chosen from them. */
  entries?: CeremonyFileEntry[];
  nomineesNote?: string;
  prize?: { amount?: number; currency?: string; items?: string[] };
  presenter?: string;
  /** `anchors`: rubric texts by score level ("1"…"10"), shown to jurors while scoring. */
  criteria?: { key: string; label: string; weight?: number; anchors?: Record<string, string> }[];
  jury?: { name: string; affiliation?: string | null; title?: string | null; chair?: boolean }[];
  juryNote?: string;
  quorum?: number;
  /** Planned durations (seconds) of this category's segment and/or scenes; overrides the file's default field by field. */
  timing?: SegmentTiming;
  /** The public submission form (entrant intake) and its deadline in the ceremony's timezone (libs/contracts/src/intake.ts). */
  intake?: IntakeDeclaration;
  /** Who decides it (default: the jury); see CategoryVote. */
  vote?: { mode: 'jury' | 'audience' | 'combined'; weights?: { jury: number; audience: number } };
}

export interface CeremonyFileNominee {
  slug: string;
  organisation?: string | null;
  kind?: string | null;
  title?: string | null;
  pronunciation?: string | null;
  about?: string;
}

export interface CeremonyFileEntry {
  externalId?: string;
  organisation?: string;
  kind?: string;
  title?: string;
  description?: string;
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function loadSchema(): object {
  // Works from source (libs/contracts/src) and from the build (dist/libs/contracts/src).
  for (const candidate of [join(here, '../schema/ceremony.schema.json'), join(here, '../../../../libs/contracts/schema/ceremony.schema.json')]) {
    try {
      return JSON.parse(readFileSync(candidate, 'utf8')) as object;
    } catch {
      continue;
    }
  }
  throw new Error('ceremony.schema.json not found next to libs/contracts');
}

export const ceremonyFileSchema = loadSchema();
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateSchema = ajv.compile<CeremonyFile>(ceremonyFileSchema);

function describe(error: ErrorObject): FieldProblem {
  const path = error.instancePath || '/';
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(error.params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${String(error.params.additionalProperty)}`, message: 'is not a known field' };
    case 'type':
      return { path, message: `must be ${String(error.params.type)}` };
    case 'pattern':
      return { path, message: `has an invalid format (expected ${String(error.params.pattern)})` };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

/** A key the schema does not allow (propertyNames), at its own path; a rubric anchor's names its criterion and level. */
function describeKey(input: unknown, error: ErrorObject): FieldProblem {
  const key = String(error.params.propertyName);
  const path = `${error.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const anchors = /^\/categories\/(\d+)\/criteria\/(\d+)\/anchors$/.exec(error.instancePath);
  if (!anchors) return { path, message: `"${key}" is not an allowed key here` };
  const criterion = (input as { categories?: { criteria?: { key?: unknown }[] }[] }).categories?.[Number(anchors[1])]?.criteria?.[Number(anchors[2])]?.key;
  const name = typeof criterion === 'string' ? `criterion "${criterion}"` : `criterion ${Number(anchors[2]) + 1}`;
  return { path, message: `${name} has an anchor for level "${key}": anchor levels are the scores 1 to 10` };
}

/** Strings with a NUL character (U+0000): JSON allows them, PostgreSQL text and jsonb do not. */
function nulCharacters(value: unknown, path = ''): FieldProblem[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ path: path || '/', message: 'contains a NUL character (U+0000)' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulCharacters(v, `${path}/${i}`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [...nulCharacters(k, `${path}/${k}`), ...nulCharacters(v, `${path}/${k}`)]);
  return [];
}

/**
 * Validates a ceremony file: the JSON Schema, then the rules a schema cannot say
 * (unique slugs, run of show naming known categories, nominee bounds). Every problem carries its JSON path.
 */
export function validateCeremonyFile(input: unknown): { ok: true; file: CeremonyFile } | { ok: false; problems: FieldProblem[] } {
  if (!validateSchema(input)) {
    const seen = new Set<string>();
    const problems: FieldProblem[] = [];
    for (const error of validateSchema.errors ?? []) {
      // anyOf branches repeat themselves; keep one line per path and message.
      if (error.keyword === 'anyOf') {
        problems.push({ path: error.instancePath, message: 'needs an organisation or a title' });
        continue;
      }
      if (error.schemaPath.includes('/anyOf/')) continue;
      // A bad key (propertyNames) comes twice from Ajv, as the key's own failed rule and as "property name must be
      // valid", both at the parent's path: one problem at the key's own path, naming it.
      if (error.propertyName !== undefined) continue;
      const problem = error.keyword === 'propertyNames' ? describeKey(input, error) : describe(error);
      const key = `${problem.path} ${problem.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(problem);
      }
    }
    return { ok: false, problems: problems.slice(0, 100) };
  }
  const file = input;
  const problems: FieldProblem[] = nulCharacters(file);
  const categorySlugs = new Map<string, number>();
  file.categories.forEach((category, i) => {
    const first = categorySlugs.get(category.slug);
    if (first !== undefined) problems.push({ path: `/categories/${i}/slug`, message: `duplicates /categories/${first}/slug "${category.slug}"` });
    else categorySlugs.set(category.slug, i);
    const nomineeSlugs = new Map<string, number>();
    (category.nominees ?? []).forEach((nominee, j) => {
      const firstNominee = nomineeSlugs.get(nominee.slug);
      if (firstNominee !== undefined)
        problems.push({ path: `/categories/${i}/nominees/${j}/slug`, message: `duplicates /categories/${i}/nominees/${firstNominee}/slug "${nominee.slug}"` });
      else nomineeSlugs.set(nominee.slug, j);
    });
    const criterionKeys = new Set<string>();
    (category.criteria ?? []).forEach((criterion, j) => {
      if (criterionKeys.has(criterion.key)) problems.push({ path: `/categories/${i}/criteria/${j}/key`, message: `duplicates criterion "${criterion.key}"` });
      criterionKeys.add(criterion.key);
    });
    const vote = category.vote;
    if (vote?.mode === 'combined' && !vote.weights) problems.push({ path: `/categories/${i}/vote/weights`, message: 'is required for a combined jury and audience vote' });
    if (vote && vote.mode !== 'combined' && vote.weights) problems.push({ path: `/categories/${i}/vote/weights`, message: `only a combined vote has weights (mode is ${vote.mode})` });
    if (vote?.mode === 'audience' && (category.jury?.length ?? 0) > 0) problems.push({ path: `/categories/${i}/jury`, message: 'an audience vote has no jury panel' });
    const chairs = (category.jury ?? []).filter((juror) => juror.chair).length;
    if (chairs > 1) problems.push({ path: `/categories/${i}/jury`, message: 'names more than one chair' });
    const bounds = category.nomineeBounds;
    if (bounds?.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max)
      problems.push({ path: `/categories/${i}/nomineeBounds`, message: 'min is greater than max' });
    const count = category.nominees?.length ?? 0;
    const max = bounds?.max ?? category.nomineesCount;
    if (max !== undefined && count > max) problems.push({ path: `/categories/${i}/nominees`, message: `lists ${count} nominees, more than the ${max} allowed` });
  });
  file.categories.forEach((category, i) => {
    const timing = categoryTiming(file, category);
    const scenes = Object.values(timing.scenes ?? {});
    const sum = scenes.reduce((a, b) => a + b, 0);
    if (timing.segment !== undefined && scenes.length && sum > timing.segment) {
      const path = category.timing ? `/categories/${i}/timing` : '/timing/categories';
      const defaults = file.timing?.categories?.scenes && category.timing ? " (with the file's defaults)" : '';
      problems.push({ path, message: `the scenes of ${category.slug} are planned at ${sum} s in all${defaults}, more than its segment's ${timing.segment} s` });
    }
  });
  file.categories.forEach((category, i) => {
    // Once per problem: a missing time zone is one problem however many categories take submissions.
    for (const p of category.intake ? intakeDeclarationProblems(category.intake, `/categories/${i}/intake`, file.ceremony.timezone, category.eligibleKinds) : [])
      if (!problems.some((q) => q.path === p.path && q.message === p.message)) problems.push(p);
  });
  (file.runOfShow ?? []).forEach((slug, i) => {
    if (!categorySlugs.has(slug)) problems.push({ path: `/runOfShow/${i}`, message: `names unknown category "${slug}"` });
  });
  if (file.runOfShow && new Set(file.runOfShow).size !== file.runOfShow.length) problems.push({ path: '/runOfShow', message: 'names a category twice' });
  return problems.length ? { ok: false, problems } : { ok: true, file };
}

/** A category's planned durations: the file's default (`timing.categories`), overridden field by field by its own. */
export function categoryTiming(file: Pick<CeremonyFile, 'timing'>, category: Pick<CeremonyFileCategory, 'timing'>): SegmentTiming {
  const fallback = file.timing?.categories ?? {};
  const own = category.timing ?? {};
  const segment = own.segment ?? fallback.segment;
  const scenes = { ...fallback.scenes, ...own.scenes };
  return { ...(segment !== undefined ? { segment } : {}), ...(Object.keys(scenes).length ? { scenes } : {}) };
}

/**
 * The show clock's plan from a (validated) ceremony file, by category id; undefined when the file plans
 * nothing (then no clock shows planned times).
 */
export function showTimingOf(file: CeremonyFile, categoryId: (slug: string) => string | undefined): ShowTiming | undefined {
  const categories: ShowTiming['categories'] = {};
  for (const category of file.categories) {
    const timing = categoryTiming(file, category);
    const id = categoryId(category.slug);
    if (id !== undefined && (timing.segment !== undefined || timing.scenes)) categories[id] = timing;
  }
  const { welcome, closing, interlude } = file.timing ?? {};
  const timing: ShowTiming = { ...(welcome ? { welcome } : {}), ...(closing ? { closing } : {}), ...(interlude ? { interlude } : {}), categories };
  return welcome || closing || interlude || Object.keys(categories).length ? timing : undefined;
}
