import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DomainRefusal,
  LaurelError,
  type EntryFields,
  type EntryRowDuplicate,
  type EntryPage,
  type EntryRowProblem,
  type EntryView,
  type ImportEntriesCommand,
  type ImportEntriesResult,
  type ListEntriesQuery,
  type SubmitEntryCommand,
} from '#contracts';
import type { Category } from '../ceremonies/category.entity.js';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { Entry } from './entry.entity.js';
import { canonicalKind, checkEntryFields, columnOf, ineligibility, mapColumns, naturalKey, rowToFields } from './entry-rules.js';

export function entryView(e: Entry): EntryView {
  return {
    id: e.id,
    categoryId: e.categoryId,
    externalId: e.externalId,
    organisation: e.organisation,
    kind: e.kind,
    title: e.title,
    description: e.description,
    contactName: e.contactName,
    contactEmail: e.contactEmail,
    contactPhone: e.contactPhone,
    source: e.source,
    sourceRow: e.sourceRow,
    createdAt: e.createdAt.toISOString(),
  };
}

interface Existing {
  byKey: Map<string, string>;
  byExternalId: Map<string, string>;
}

@Injectable()
export class EntriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ceremonies: CeremoniesService,
  ) {}

  /** One entry; 400 with the field when invalid or ineligible, 409 naming the entry already there. */
  async submit(command: SubmitEntryCommand): Promise<EntryView> {
    return this.dataSource.transaction(async (manager) => {
      const category = await this.ceremonies.findCategory(command.ceremony, command.category, manager);
      return entryView(await this.addOne(manager, category, { ...command.entry }, 'api'));
    });
  }

  /**
   * Checks and stores one entry inside the caller's transaction (a single submission, an accepted intake
   * submission): today's rules with their reasons, fields named under `path`.
   */
  async addOne(manager: EntityManager, category: Category, raw: Record<string, unknown>, source: 'api' | 'intake', path = 'entry'): Promise<Entry> {
    await this.serialise(manager, category.id);
    const checked = checkEntryFields(raw);
    if (!checked.ok) throw LaurelError.badRequest(checked.problems.map((p) => `${path}.${p.field}: ${p.reason}`).join('; '), checked.problems.map((p) => ({ path: `${path}.${p.field}`, message: p.reason })));
    const refusal = ineligibility(category, checked.fields.kind);
    if (refusal) throw new DomainRefusal('invalid', 'entry not eligible', refusal, [{ path: `${path}.kind`, message: refusal }]);
    const key = naturalKey(checked.fields);
    const existing = await this.existing(manager, category.id, [key], checked.fields.externalId ? [checked.fields.externalId] : []);
    const duplicate = this.duplicateOf(existing, key, checked.fields.externalId);
    if (duplicate) throw new DomainRefusal('conflict', 'entry already entered', `this entry is already in ${category.name} (${duplicate.reason})`, { entryId: duplicate.entryId });
    const entry = this.build(category, checked.fields, key, source, null);
    await manager.insert(Entry, entry);
    return entry;
  }

  /** The entries already in the category by natural key (organisation + title), for the review list: key → entry id. */
  async byNaturalKeys(categoryId: string, fields: Pick<EntryFields, 'organisation' | 'title'>[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, string>> {
    return (await this.existing(manager, categoryId, fields.map((f) => naturalKey(f)), [])).byKey;
  }

  /**
   * A batch of CSV rows, in one transaction: every valid, eligible, new row is stored; every other row
   * is reported (problems with the column and reason, duplicates with the entry already there).
   * Imports into one category are serialised, so two uploads of one file at once still store it once.
   */
  async import(command: ImportEntriesCommand): Promise<ImportEntriesResult> {
    const mapped = mapColumns(command.columns);
    if (!mapped.ok) throw LaurelError.badRequest(`the CSV header has ${mapped.problems.length} problem(s)`, mapped.problems);
    const { map } = mapped;
    return this.dataSource.transaction(async (manager) => {
      const category = await this.ceremonies.findCategory(command.ceremony, command.category, manager);
      await this.serialise(manager, category.id);
      const problems: EntryRowProblem[] = [];
      const duplicateRows: EntryRowDuplicate[] = [];
      const candidates: { row: number; fields: EntryFields; key: string }[] = [];
      let received = 0;
      for (const { row, values } of command.rows) {
        if (values.every((v) => !v.trim())) continue;
        received++;
        const rowProblems: EntryRowProblem[] = [];
        const extra = values.slice(map.fields.length).filter((v) => v.trim()).length;
        if (extra) rowProblems.push({ row, field: '(row)', reason: `has ${map.fields.length + extra} or more cells, the header names ${map.fields.length} columns` });
        const checked = checkEntryFields(rowToFields(values, map));
        if (!checked.ok) rowProblems.push(...checked.problems.map((p) => ({ row, field: columnOf(command.columns, map, p.field), reason: p.reason })));
        else {
          const refusal = ineligibility(category, checked.fields.kind);
          if (refusal) rowProblems.push({ row, field: columnOf(command.columns, map, 'kind'), reason: refusal });
        }
        if (rowProblems.length || !checked.ok) problems.push(...rowProblems);
        else candidates.push({ row, fields: checked.fields, key: naturalKey(checked.fields) });
      }

      const existing = await this.existing(
        manager,
        category.id,
        candidates.map((c) => c.key),
        candidates.flatMap((c) => (c.fields.externalId ? [c.fields.externalId] : [])),
      );
      // One timestamp per batch, so a listing keeps the file's row order.
      const at = new Date();
      const fresh: Entry[] = [];
      const inFile: Existing = { byKey: new Map(), byExternalId: new Map() };
      const firstRow = new Map<string, number>();
      for (const c of candidates) {
        const stored = this.duplicateOf(existing, c.key, c.fields.externalId);
        if (stored) {
          duplicateRows.push({ row: c.row, entryId: stored.entryId, reason: `already entered: ${stored.reason}` });
          continue;
        }
        const earlier = this.duplicateOf(inFile, c.key, c.fields.externalId);
        if (earlier) {
          duplicateRows.push({ row: c.row, entryId: earlier.entryId, reason: `repeats row ${firstRow.get(earlier.entryId)}: ${earlier.reason}` });
          continue;
        }
        const entry = this.build(category, c.fields, c.key, 'csv', c.row, at);
        fresh.push(entry);
        inFile.byKey.set(c.key, entry.id);
        if (entry.externalId) inFile.byExternalId.set(entry.externalId, entry.id);
        firstRow.set(entry.id, c.row);
      }
      for (let i = 0; i < fresh.length; i += 500) await manager.insert(Entry, fresh.slice(i, i + 500));
      const rejectedRows = new Set(problems.map((p) => p.row)).size;
      return {
        categoryId: category.id,
        received,
        imported: fresh.length,
        duplicates: duplicateRows.length,
        rejected: rejectedRows,
        ignoredColumns: map.ignored,
        problems,
        duplicateRows,
      };
    });
  }

  async list(query: ListEntriesQuery): Promise<EntryPage> {
    const category = await this.ceremonies.findCategory(query.ceremony, query.category);
    const offset = query.offset ?? 0;
    const [rows, total] = await this.dataSource.manager.findAndCount(Entry, {
      where: { categoryId: category.id },
      order: { createdAt: 'ASC', sourceRow: 'ASC', id: 'ASC' },
      skip: offset,
      take: query.limit ?? 1000,
    });
    return { total, offset, entries: rows.map(entryView) };
  }

  /** Entries of a category by id, for the shortlist. */
  async byIds(manager: EntityManager, categoryId: string, ids: string[]): Promise<Map<string, Entry>> {
    const rows = await manager.createQueryBuilder(Entry, 'e').where('e.category_id = :categoryId AND e.id IN (:...ids)', { categoryId, ids }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** One writer of entries per category at a time, so the duplicate check and the insert agree. */
  private async serialise(manager: EntityManager, categoryId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`entries:${categoryId}`]);
  }

  private async existing(manager: EntityManager, categoryId: string, keys: string[], externalIds: string[]): Promise<Existing> {
    const result: Existing = { byKey: new Map(), byExternalId: new Map() };
    if (!keys.length && !externalIds.length) return result;
    const rows = await manager.query<{ id: string; natural_key: string; external_id: string | null }[]>(
      `SELECT id, natural_key, external_id FROM "nominations"."entries" WHERE category_id = $1 AND (natural_key = ANY($2::varchar[]) OR external_id = ANY($3::varchar[]))`,
      [categoryId, keys, externalIds],
    );
    for (const r of rows) {
      result.byKey.set(r.natural_key, r.id);
      if (r.external_id) result.byExternalId.set(r.external_id, r.id);
    }
    return result;
  }

  private duplicateOf(known: Existing, key: string, externalId: string | undefined): { entryId: string; reason: string } | null {
    const byExternal = externalId ? known.byExternalId.get(externalId) : undefined;
    if (byExternal) return { entryId: byExternal, reason: `same external id "${externalId}"` };
    const byKey = known.byKey.get(key);
    if (byKey) return { entryId: byKey, reason: 'same organisation and title' };
    return null;
  }

  private build(category: Category, fields: EntryFields, key: string, source: Entry['source'], row: number | null, at = new Date()): Entry {
    return Object.assign(new Entry(), {
      id: randomUUID(),
      ceremonyId: category.ceremonyId,
      categoryId: category.id,
      externalId: fields.externalId ?? null,
      naturalKey: key,
      organisation: fields.organisation ?? null,
      kind: canonicalKind(category, fields.kind),
      title: fields.title ?? null,
      description: fields.description ?? null,
      contactName: fields.contactName ?? null,
      contactEmail: fields.contactEmail ?? null,
      contactPhone: fields.contactPhone ?? null,
      source,
      sourceRow: row,
      createdAt: at,
    });
  }
}
