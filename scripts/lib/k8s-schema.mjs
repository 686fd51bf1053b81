// @ts-check
// Kubernetes schema validation for scripts/check-deploy.mjs, offline.
//
// kubernetes-models (tommy351/kubernetes-models-ts, devDependency) carries the upstream Kubernetes
// OpenAPI schemas (v1.33 for 4.5.x) compiled to ajv validators, one module per kind. Those schemas,
// like the API server's, do not forbid unknown fields, so a typo such as `imagePullPolicyy` would pass
// (kubeconform's -strict mode is what catches it). The package also ships a TypeScript declaration per
// schema; walking a document against those types with the TypeScript checker finds every field that
// the schema does not define, which is that strict mode.
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './util.mjs';

const GROUP = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const VERSION = /^v\d+((alpha|beta)\d+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** `kubernetes-models/<group>/<version>/<Kind>` for an apiVersion and kind, or null when malformed. */
export function moduleOf(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  const parts = apiVersion.split('/');
  if (parts.length > 2) return null;
  const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
  if ((group && !GROUP.test(group)) || !VERSION.test(version) || !KIND.test(kind)) return null;
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

/** A JSON path for messages: spec.template.spec.containers[0].image */
export function jsonPath(segments) {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `${out ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`;
  return out || '(document)';
}

function pointerToSegments(pointer) {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The closest known name, when it is close enough to be the intended one. */
export function suggest(name, known) {
  let best = null;
  for (const k of known) {
    const dist = distance(name.toLowerCase(), k.toLowerCase());
    if (dist <= Math.max(2, Math.floor(k.length / 4)) && (!best || dist < best.dist)) best = { k, dist };
  }
  return best ? ` (did you mean "${best.k}"?)` : '';
}

function ajvMessage(error) {
  const p = error.params ?? {};
  if (error.keyword === 'required') return `missing required field "${p.missingProperty}"`;
  if (error.keyword === 'enum') return `${error.message}: ${(p.allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'format') return `must be a valid ${p.format}`;
  return error.message ?? error.keyword;
}

export class K8sSchemas {
  constructor() {
    this.classes = new Map();
    /** @type {Map<string, import('typescript').Type | null>} */
    this.typeCache = new Map();
    /** @type {import('typescript').Program | null} */
    this.program = null;
    /** @type {import('typescript').TypeChecker} */
    this.checker = /** @type {any} */ (null);
    /** @type {Map<string, import('typescript').TypeAliasDeclaration>} */
    this.aliases = new Map();
    /** @type {Set<string>} */
    this.pending = new Set();
    /** @type {string[]} */
    this.programSpecs = [];
  }

  /** The kubernetes-models class for a module spec and export name, or null if there is none. */
  async classOf(spec, exportName) {
    const key = `${spec}#${exportName}`;
    if (!this.classes.has(key)) {
      let found = null;
      try {
        const mod = await import(spec);
        if (typeof mod[exportName] === 'function') found = mod[exportName];
      } catch {
        // no such module: unknown kind or type
      }
      this.classes.set(key, found);
      if (found) this.pending.add(spec);
    }
    return this.classes.get(key);
  }

  /** The model class of a top-level object, or null when kubernetes-models has no schema for its apiVersion/kind. */
  async model(apiVersion, kind) {
    const spec = moduleOf(apiVersion, kind);
    if (!spec) return null;
    const Model = await this.classOf(spec, kind);
    return Model && Model.apiVersion === apiVersion && Model.kind === kind ? Model : null;
  }

  /**
   * Validates a top-level object against the schema of its apiVersion/kind and reports unknown fields.
   * Returns null when there is no schema (the caller reports the unknown kind), else a list of
   * { path, message } with path a JSON path inside the object.
   */
  async validateObject(doc) {
    const Model = await this.model(doc.apiVersion, doc.kind);
    if (!Model) return null;
    return this.validateWith(moduleOf(doc.apiVersion, doc.kind), doc.kind, doc);
  }

  /** Validates any value against a kubernetes-models type, e.g. ('kubernetes-models/v1/EnvVar', 'EnvVar'). */
  async validateAs(spec, exportName, value, prefix = []) {
    const Cls = await this.classOf(spec, exportName);
    if (!Cls) return [{ path: jsonPath(prefix), message: `no schema for ${spec}` }];
    return this.validateWith(spec, exportName, value, prefix);
  }

  async validateWith(spec, exportName, value, prefix = []) {
    const Cls = await this.classOf(spec, exportName);
    const out = [];
    const seen = new Set();
    const add = (segments, message) => {
      const entry = { path: jsonPath([...prefix, ...segments]), message };
      const key = `${entry.path}\0${message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(entry);
      }
    };
    try {
      new Cls(value).validate();
    } catch (error) {
      const errors = /** @type {{ errors?: unknown }} */ (error)?.errors;
      if (!Array.isArray(errors)) throw error;
      for (const e of errors) add(pointerToSegments(e.instancePath), ajvMessage(e));
    }
    const type = this.typeOf(spec, exportName);
    if (type) this.walk(value, type, [], add);
    else add([], `no type declarations for ${spec} (strict field check skipped)`);
    return out;
  }

  /** The declared interface (I<Name>) of a kubernetes-models module, through the TypeScript checker. */
  typeOf(spec, exportName) {
    const key = `${spec}#I${exportName}`;
    if (this.typeCache.has(key)) return this.typeCache.get(key);
    this.pending.add(spec);
    if (!this.program || [...this.pending].some((s) => !this.programSpecs.includes(s))) this.buildProgram();
    const alias = this.aliases.get(key);
    const type = alias ? this.checker.getTypeAtLocation(alias.name) : null;
    this.typeCache.set(key, type);
    return type;
  }

  buildProgram() {
    this.programSpecs = [...this.pending];
    // A virtual file at the repository root, so kubernetes-models resolves from its node_modules.
    const virtual = path.join(ROOT, '__laurel_k8s_types__.ts');
    const lines = [];
    const names = [];
    for (const [i, spec] of this.programSpecs.entries()) {
      const name = path.posix.basename(spec);
      lines.push(`import type { I${name} as T${i} } from '${spec}';`, `export type A${i} = T${i};`);
      names.push(`${spec}#I${name}`);
    }
    const source = lines.join('\n') + '\n';
    const options = {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2020,
      lib: ['lib.es2020.d.ts'],
      types: [],
      skipLibCheck: true,
      noEmit: true,
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (file, lang, ...rest) => (file === virtual ? ts.createSourceFile(file, source, lang) : getSourceFile.call(host, file, lang, ...rest));
    host.fileExists = (file) => file === virtual || fileExists.call(host, file);
    host.readFile = (file) => (file === virtual ? source : readFile.call(host, file));
    const program = ts.createProgram([virtual], options, host);
    this.program = program;
    this.checker = program.getTypeChecker();
    this.aliases = new Map();
    const sf = /** @type {import('typescript').SourceFile} */ (program.getSourceFile(virtual));
    const decls = sf.statements.filter((s) => ts.isTypeAliasDeclaration(s));
    decls.forEach((d, i) => this.aliases.set(names[i], d));
    this.typeCache.clear();
  }

  /** Reports every object key that the declared type does not define (maps with an index signature are open). */
  walk(value, type, segments, add) {
    if (value === null || typeof value !== 'object') return;
    const c = this.checker;
    let t = c.getNonNullableType(type);
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (t.isUnion()) {
      const members = t.types.filter((m) => !(m.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)));
      const arrays = members.filter((m) => c.isArrayType(m));
      const objects = members.filter((m) => !c.isArrayType(m));
      const pick = Array.isArray(value) ? arrays : objects;
      if (pick.length !== 1) return;
      t = pick[0];
    }
    if (Array.isArray(value)) {
      if (!c.isArrayType(t)) return;
      const [element] = c.getTypeArguments(/** @type {import('typescript').TypeReference} */ (t));
      value.forEach((item, i) => this.walk(item, element, [...segments, i], add));
      return;
    }
    const props = t.getProperties();
    const index = c.getIndexInfosOfType(t).find((info) => info.keyType.flags & ts.TypeFlags.String);
    if (!props.length && !index) return; // an open object
    for (const [key, child] of Object.entries(value)) {
      const prop = c.getPropertyOfType(t, key);
      if (prop) this.walk(child, c.getTypeOfSymbol(prop), [...segments, key], add);
      else if (index) this.walk(child, index.type, [...segments, key], add);
      else add([...segments, key], `unknown field "${key}"${suggest(key, props.map((p) => p.name))}`);
    }
  }

  /**
   * Follows a JSON pointer (as in a JSON patch) from a kubernetes-models type and returns the module
   * spec and export name of the type found there, e.g. /volumeMounts/- from Container gives VolumeMount.
   */
  resolvePointer(spec, exportName, pointer) {
    let t = this.typeOf(spec, exportName);
    const c = this.checker;
    for (const segment of pointer.split('/').slice(1)) {
      if (!t) return null;
      t = c.getNonNullableType(t);
      if (segment === '-' || /^\d+$/.test(segment)) {
        if (!c.isArrayType(t)) return null;
        [t] = c.getTypeArguments(/** @type {import('typescript').TypeReference} */ (t));
      } else {
        const prop = c.getPropertyOfType(t, segment.replace(/~1/g, '/').replace(/~0/g, '~'));
        if (!prop) return null;
        t = c.getTypeOfSymbol(prop);
      }
    }
    if (!t) return null;
    t = c.getNonNullableType(t);
    const file = t.getSymbol()?.declarations?.[0]?.getSourceFile().fileName;
    const match = file && /node_modules\/(kubernetes-models\/.+)\.d\.ts$/.exec(file.replace(/\\/g, '/'));
    return match ? { spec: match[1], exportName: path.posix.basename(match[1]) } : null;
  }
}
