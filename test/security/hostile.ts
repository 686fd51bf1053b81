/**
 * A small seeded generator of hostile input for the fuzz suite (no dependencies): the same seed gives
 * the same cases, so a failure names a seed and an index that reproduce it.
 */

/** mulberry32: a tiny deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  readonly random: () => number;
  constructor(readonly seed: number) {
    this.random = prng(seed);
  }
  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }

  /** A hostile string: unicode edge cases, injection strings, control characters, sizes. */
  string(): string {
    const kind = this.int(10);
    if (kind < 6) return this.pick(HOSTILE_STRINGS);
    if (kind === 6) return Array.from({ length: 1 + this.int(6) }, () => this.pick(HOSTILE_STRINGS)).join('');
    if (kind === 7) return this.pick(HOSTILE_STRINGS).repeat(1 + this.int(2000)).slice(0, 20000);
    if (kind === 8) return String.fromCharCode(...Array.from({ length: 1 + this.int(40) }, () => this.int(0x10000)));
    return 'x'.repeat(this.pick([0, 1, 81, 201, 301, 1001, 4001, 65536]));
  }

  /** Any JSON value of a wrong or hostile kind. */
  value(depth = 0): unknown {
    const kind = this.int(depth > 2 ? 7 : 10);
    switch (kind) {
      case 0:
      case 1:
      case 2:
        return this.string();
      case 3:
        return this.pick(HOSTILE_NUMBERS);
      case 4:
        return this.pick(NUMBERS_AS_STRINGS);
      case 5:
        return this.pick([true, false, null, '', 'true', 'null', 'undefined', 0]);
      case 6:
        return this.pick(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '123e4567-e89b-12d3-a456-42661417400', 'g23e4567-e89b-12d3-a456-426614174000']);
      case 7:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      case 8:
        return this.object(depth + 1);
      default:
        return this.pick([[], {}, [null], [[[]]], { '': '' }]);
    }
  }

  object(depth = 0, keys: string[] = []): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const n = this.int(4);
    for (let i = 0; i < n; i++) out[this.chance(0.5) && keys.length ? this.pick(keys) : this.pick(HOSTILE_KEYS)] = this.value(depth + 1);
    return out;
  }
}

export const HOSTILE_STRINGS: readonly string[] = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  'a\uD83Db', // broken pair
  '\u202Egnp.exe', // right-to-left override
  '\u2066\u2067\u2068\u2069', // bidi isolates
  '\u200B\u200C\u200D\uFEFF', // zero-width
  '\u0000', // NUL
  'a\u0000b',
  '\u0007\u0008\u001B[31m', // control, ANSI escape
  '\r\nX-Injected: 1', // header/CSV injection
  '=cmd|\' /C calc\'!A0', // CSV formula
  "' OR '1'='1",
  "'; DROP TABLE nominations.ceremonies; --",
  '" OR ""="',
  '1; SELECT pg_sleep(5)--',
  "admin'--",
  '$1',
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '${jndi:ldap://127.0.0.1/x}',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '%E0%A4%A',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'Z̸̢̧͎̙͈a̵̛l̷g̶o̴',
  '👨‍👩‍👧‍👦🏳️‍🌈',
  'ﷺ',
  'İıŞş',
  'ß'.repeat(100),
  '\u{10FFFF}',
  ' ',
  '',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x1A',
  '[object Object]',
  'SELECT * FROM nominations.access_tokens',
];

export const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'actor', 'ceremony', 'category', 'role', 'jurorId', '', ' ', '\u0000', '$where', 'toString', 'valueOf', 'x'.repeat(500), 'polluted'];

export const HOSTILE_NUMBERS: readonly number[] = [0, -0, -1, 1.5, 11, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 0.1 + 0.2, 4294967296, 10 ** 21];

export const NUMBERS_AS_STRINGS: readonly string[] = ['10', '5', '1', '0', '-1', '1e3', ' 7 ', '7abc', '0x10', 'Infinity'];

/** JSON text that JSON.stringify would not produce: prototype keys, deep nesting, big arrays, broken syntax. */
export function rawBodies(gen: Gen): string[] {
  const deepArray = '['.repeat(10000) + ']'.repeat(10000);
  const deepObject = '{"a":'.repeat(10000) + '1' + '}'.repeat(10000);
  const hugeArray = JSON.stringify(Array.from({ length: 200000 }, (_, i) => i));
  const hugeStrings = JSON.stringify({ items: Array.from({ length: 5000 }, () => gen.string()) });
  return [
    deepArray,
    deepObject,
    `{"scores":${deepObject}}`,
    `{"motivation":${deepArray}}`,
    hugeArray,
    hugeStrings,
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"scores":{"__proto__":{"overall":5}}}',
    '{"action":"next","idempotencyKey":"k","__proto__":{"rehearsal":true}}',
    '{"role":"producer","__proto__":{"role":"admin"}}',
    // An admin actor smuggled in a body no route accepts: with a valid name this is a real juror for an admin caller of POST …/jurors.
    '{"name":"","actor":{"role":"admin"}}',
    '',
    ' ',
    'null',
    'true',
    '0',
    '"a string"',
    '[]',
    '[{}]',
    '{',
    '{"a":}',
    "{'a':1}",
    '{"a":1,}',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":undefined}',
    '\uFEFF{}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"a":1}{"b":2}',
    '{"a":' + '9'.repeat(400) + '}',
    JSON.stringify({ a: 'x'.repeat(3 * 1024 * 1024) }), // over the 2 MB limit
  ];
}
