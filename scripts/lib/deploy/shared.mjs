// @ts-check
// What the deployment checks share: the services and their ports, the secrets and who may hold them,
// small readers of Kubernetes values, and the context every check reports into.
import fs from 'node:fs';
import path from 'node:path';
import { jsonPath } from '../k8s-schema.mjs';

export const APPS = { gateway: 3000, nominations: 3101, jury: 3102, announcements: 3103, vote: 3104 };
/**
 * Secrets and the only services that may hold them (docs/operations.md, threat model): the admin token
 * is nominations' alone (a gateway holding it could mint a chair's token), the gateway's service
 * identity is shared by the gateway and the one service it calls with it.
 */
export const SECRET_HOLDERS = { LAUREL_ADMIN_TOKEN: ['nominations'], LAUREL_GATEWAY_SERVICE_TOKEN: ['gateway', 'announcements'] };
export const name_in = (env, name) => Object.prototype.hasOwnProperty.call(env ?? {}, name);
export const NATS_REPLICAS = 3;
/** Where the NATS chart mounts its generated config; `$include` paths are relative to it. */
export const CHART_CONFIG_DIR = '/etc/nats-config';
export const NATS_URL_FORMAT = /^(nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*|tls:\/\/[^\s,]+(,tls:\/\/[^\s,]+)*)$/;
/** Hosts a monitoring listener may bind: the loopback interface only. */
export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/;
export const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'namespace', 'namePrefix', 'nameSuffix', 'resources', 'components', 'images',
  'labels', 'commonLabels', 'commonAnnotations', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'patches',
  'patchesStrategicMerge', 'patchesJson6902', 'replicas', 'replacements', 'vars', 'crds', 'configurations', 'openapi',
  'helmCharts', 'helmGlobals', 'transformers', 'generators', 'validators', 'buildMetadata', 'sortOptions',
]);
export const METRIC_TARGET_TYPES = ['Utilization', 'Value', 'AverageValue'];
export const KUSTOMIZATION_IMAGE_FIELDS = new Set(['name', 'newName', 'newTag', 'digest']);

export const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The user of a postgres:// URL (compose interpolation left as written), or null. */
export const dbUser = (url) => /^postgres(?:ql)?:\/\/([^:@/]+)[:@]/.exec(String(url))?.[1] ?? null;
/** The list at a place a schema error may have left something else (reported already). */
export const list = (v) => (Array.isArray(v) ? v : []);


export function quantity(q) {
  const m = QUANTITY.exec(String(q));
  if (!m) return null;
  const units = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  return Number(m[1]) * (m[3] ? units[m[3]] : 1);
}

/** ghcr.io/laurel/gateway:latest → ghcr.io/laurel/gateway */
export function imageRepo(image) {
  const noDigest = String(image).split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export const matchesLabels = (selector, labels) => isMap(selector) && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * The context of one run: where the files are, how YAML is read, and where problems go.
 * @param {{ root: string, codeRoot: string, natsServer: string | null, loader: { name: string, loadAll: (text: string) => any[] }, schemas: import('../k8s-schema.mjs').K8sSchemas }} options
 */
export function createContext({ root, codeRoot, natsServer, loader, schemas }) {
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const notes = [];
  /** @param {string} file @param {string} message */
  const problem = (file, message) => problems.push(`${file}: ${message}`);
  /** @param {any} obj @param {string | (string | number)[]} segments @param {string} message */
  const at = (obj, segments, message) => problems.push(`${obj.file} #${obj.index} ${obj.kind ?? '?'}/${obj.name ?? '?'} ${typeof segments === 'string' ? segments : jsonPath(segments)}: ${message}`);
  /** @param {string} base @param {string} file */
  const read = (base, file) => {
    try {
      return fs.readFileSync(path.join(base, file), 'utf8');
    } catch {
      return null;
    }
  };
  const ctx = {
    root,
    codeRoot,
    natsServer,
    schemas,
    problems,
    notes,
    problem,
    at,
    read,
    /** Files parsed. */
    checked: 0,
    /**
     * The YAML documents of a file under root ([] with a problem when it is missing or does not parse).
     * @param {string} file
     * @returns {any[]}
     */
    load: (file) => {
      const text = read(root, file);
      if (text === null) {
        problem(file, 'missing');
        return [];
      }
      try {
        const docs = loader.loadAll(text);
        ctx.checked++;
        return docs;
      } catch (error) {
        problem(file, `does not parse: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`);
        return [];
      }
    },
  };
  return ctx;
}
