/** What `./laurel audit tally` and `./laurel audit votes` share: their arguments and their reads from the gateway. */

export interface TallyIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface AuditTarget {
  ceremony: string;
  gateway: string;
  /** `--category <slug|id>`: only that category. */
  only: string | undefined;
  /** GET `/api/v1/ceremonies/<ceremony><path>`, with the admin token when `auth`; throws on anything but 200. */
  get: <T>(path: string, auth: boolean) => Promise<T>;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The ceremony, gateway, token and category from `args` (and LAUREL_URL, LAUREL_ADMIN_TOKEN); null after telling `io` the usage. */
export function auditTarget(args: string[], io: TallyIo, env: NodeJS.ProcessEnv, usage: string): AuditTarget | null {
  const flags = new Set(['--url', '--token', '--category']);
  const ceremony = args.find((a, i) => !a.startsWith('--') && !flags.has(args[i - 1] ?? ''));
  const gateway = (option(args, 'url') ?? env.LAUREL_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const token = option(args, 'token') ?? env.LAUREL_ADMIN_TOKEN;
  if (!ceremony || !token) {
    io.err(!token ? `no admin token: pass --token or set LAUREL_ADMIN_TOKEN\n${usage}` : usage);
    return null;
  }
  const get = async <T>(path: string, auth: boolean): Promise<T> => {
    const res = await fetch(`${gateway}/api/v1/ceremonies/${encodeURIComponent(ceremony)}${path}`, { headers: auth ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  return { ceremony, gateway, only: option(args, 'category'), get };
}
