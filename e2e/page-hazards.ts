/**
 * What pages' own scripts do to the built-ins the tracker runs on: old libraries that replace
 * them, and broken `fetch`es. One list, tested twice:
 * - test/tracker/page-hazards.test.ts installs each replacement written here in Node and runs
 *   the tracker's logic under it;
 * - e2e/host-libraries.spec.ts loads each hazard in Chromium, the real libraries from npm too,
 *   before the tracker's tag, plays a whole viewing, and checks that the page's own code still
 *   sees what it expects.
 * docs/tracker.md ("Browser support") lists them.
 */

/** A page's global object as the scripts below see it: a window, or Node's globalThis. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Global = any;

export interface PageHazard {
  name: string;
  /**
   * The page's own script, `fn(window, ...args)`: a library that is not on npm, reproduced
   * from its documented behaviour, or the page's own code. `fn` must be self-contained: the
   * page runs it from its source text.
   */
  install?: [fn: (g: Global, ...args: string[]) => void, ...args: string[]];
  /** A real library: its files below node_modules/, loaded in order, then `setup`. */
  scripts?: string[];
  setup?: string;
  /** Whether it replaces the page's `fetch` (the page's own fetch is then checked by `own`). */
  fetch?: boolean;
  /**
   * Runs in the page after the viewing: what the page's own code no longer sees as it expects
   * (nothing, when the tracker left the page alone). Self-contained, as `install`.
   */
  own: (g: Global) => string[] | PromiseLike<string[]>;
}

/**
 * Prototype.js's changes to the built-ins (`version` 1.6.0.3 or 1.7), reproduced from its API
 * documentation and release notes: it is not on npm, and Magento 1 still ships 1.7.
 * - Enumerable is mixed into Array.prototype by plain assignment (so its methods are
 *   enumerable), and calls every iterator with (value, index) only: map, filter, every, some,
 *   find, entries and others. 1.7.1 went back to the native methods.
 * - Array.from is `$A`: array-likes only, so a Set gives []. Function#bind, String#startsWith
 *   and #endsWith (without a position) and Object.values are its own.
 * - 1.6 only: `reduce` returns the array itself, or for one element that element; `toJSON` on
 *   Array, String, Number and Date, which JSON.stringify calls, so an array is sent as a string
 *   of Prototype's own JSON; Object.keys lists inherited keys too.
 */
function prototypeJs(g: Global, version: string) {
  const v16 = version == '1.6.0.3';
  const A = g.Array.prototype;
  const O = g.Object;
  type Iterator = (value: unknown, index: number) => unknown;
  const each = function (this: unknown[], fn: Iterator, context?: unknown) {
    for (let i = 0; i < this.length; i++) fn.call(context, this[i], i);
    return this;
  };
  const clone = function (this: unknown[]) {
    return A.slice.call(this, 0);
  };
  const enumerable: Record<string, unknown> = {
    each,
    collect(this: unknown[], fn?: Iterator, context?: unknown) {
      const out: unknown[] = [];
      for (let i = 0; i < this.length; i++) out.push(fn ? fn.call(context, this[i], i) : this[i]);
      return out;
    },
    findAll(this: unknown[], fn: Iterator, context?: unknown) {
      const out: unknown[] = [];
      for (let i = 0; i < this.length; i++) if (fn.call(context, this[i], i)) out.push(this[i]);
      return out;
    },
    all(this: unknown[], fn?: Iterator, context?: unknown) {
      for (let i = 0; i < this.length; i++) if (!(fn ? fn.call(context, this[i], i) : this[i])) return false;
      return true;
    },
    any(this: unknown[], fn?: Iterator, context?: unknown) {
      for (let i = 0; i < this.length; i++) if (fn ? fn.call(context, this[i], i) : this[i]) return true;
      return false;
    },
    detect(this: unknown[], fn: Iterator, context?: unknown) {
      for (let i = 0; i < this.length; i++) if (fn.call(context, this[i], i)) return this[i];
    },
    include(this: unknown[], object: unknown) {
      return this.indexOf(object) > -1;
    },
    inject(this: unknown[], memo: unknown, fn: (memo: unknown, value: unknown, index: number) => unknown, context?: unknown) {
      for (let i = 0; i < this.length; i++) memo = fn.call(context, memo, this[i], i);
      return memo;
    },
    pluck(this: Record<string, unknown>[], key: string) {
      const out: unknown[] = [];
      for (let i = 0; i < this.length; i++) out.push(this[i][key]);
      return out;
    },
    toArray: clone,
    size(this: unknown[]) {
      return this.length;
    },
  };
  const aliases: Record<string, string> = {
    map: 'collect',
    filter: 'findAll',
    select: 'findAll',
    every: 'all',
    some: 'any',
    find: 'detect',
    member: 'include',
    entries: 'toArray',
  };
  for (const name in aliases) enumerable[name] = enumerable[aliases[name]];
  // Object.extend: plain assignment.
  for (const name in enumerable) A[name] = enumerable[name];
  if (!A._reverse) A._reverse = A.reverse;
  A.reverse = function (this: unknown[] & { _reverse(): unknown[] }, inline?: boolean) {
    return (inline !== false ? this : clone.call(this))._reverse();
  };
  A.first = function (this: unknown[]) {
    return this[0];
  };
  A.last = function (this: unknown[]) {
    return this[this.length - 1];
  };
  A.clone = A.toArray = clone;
  g.$A = g.Array.from = function (iterable: { toArray?(): unknown[]; length?: number }) {
    if (!iterable) return [];
    if (iterable.toArray) return iterable.toArray();
    let length = iterable.length || 0;
    const out = new Array(length);
    while (length--) out[length] = (iterable as unknown[])[length];
    return out;
  };
  g.Function.prototype.bind = function (this: (...args: unknown[]) => unknown, object: unknown, ...curried: unknown[]) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const method = this;
    return function (...args: unknown[]) {
      return method.apply(object, curried.concat(args));
    };
  };
  const S = g.String.prototype;
  S.startsWith = function (this: string, pattern: string) {
    return this.lastIndexOf(pattern, 0) === 0;
  };
  S.endsWith = function (this: string, pattern: string) {
    const d = this.length - pattern.length;
    return d >= 0 && this.indexOf(pattern, d) === d;
  };
  O.values = function (object: Record<string, unknown>) {
    const out: unknown[] = [];
    for (const key in object) out.push(object[key]);
    return out;
  };
  // Prototype's own JSON, in which its toJSON methods write (not JSON.stringify's).
  O.toJSON = function toJSON(object: unknown): string | undefined {
    if (object === undefined || typeof object == 'function') return;
    if (object === null) return 'null';
    if (typeof object == 'boolean') return String(object);
    const own = (object as { toJSON?: () => string }).toJSON;
    if (own) return own.call(object);
    if (typeof object == 'string') return JSON.stringify(object);
    if (typeof object == 'number') return isFinite(object) ? String(object) : 'null';
    const out: string[] = [];
    for (const key in object as object) {
      const value = toJSON((object as Record<string, unknown>)[key]);
      if (value !== undefined) out.push(JSON.stringify(key) + ': ' + value);
    }
    return '{' + out.join(', ') + '}';
  };
  if (!v16) return;
  A.reduce = function (this: unknown[]) {
    return this.length > 1 ? this : this[0];
  };
  A.toJSON = function (this: unknown[]) {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) {
      const value = O.toJSON(this[i]);
      if (value !== undefined) out.push(value);
    }
    return '[' + out.join(', ') + ']';
  };
  S.toJSON = function (this: string) {
    return JSON.stringify(String(this));
  };
  g.Number.prototype.toJSON = function (this: number) {
    return isFinite(this) ? String(this) : 'null';
  };
  g.Date.prototype.toJSON = function (this: Date) {
    return '"' + this.toISOString().replace(/\.\d+Z$/, 'Z') + '"';
  };
  O.keys = function (object: object) {
    const keys: string[] = [];
    for (const key in object) keys.push(key);
    return keys;
  };
}

/** A `fetch` stub that returns nothing (a test double left in production), counting its calls. */
function fetchStub(g: Global) {
  g.__pageFetches = 0;
  g.fetch = function () {
    g.__pageFetches++;
  };
}

/** A wrapper of `fetch` that forgets to return the original's promise; the page keeps its own calls' promises. */
function fetchWrapper(g: Global) {
  const original = g.fetch;
  g.__pageFetches = [];
  g.fetch = function (this: unknown, input: unknown, init?: unknown) {
    g.__pageFetches.push(original.call(this, input, init));
  };
}

export const PAGE_HAZARDS: PageHazard[] = [
  {
    name: 'Prototype.js 1.6.0.3',
    install: [prototypeJs, '1.6.0.3'],
    own: (g) => {
      const a: Global = [1, 'a'];
      const out: string[] = [];
      if (a.reduce() !== a || [7].reduce(undefined as never) !== 7) out.push('reduce');
      if (g.JSON.stringify(a) !== '"[1, \\"a\\"]"') out.push('JSON.stringify of an array');
      if (g.Object.toJSON({ list: a }) !== '{"list": [1, "a"]}') out.push('Object.toJSON');
      if (g.Object.keys(a).indexOf('each') < 0) out.push('Object.keys');
      if (String([5, 6].map((_v, _i, all) => all)) !== ',') out.push('map');
      return out;
    },
  },
  {
    name: 'Prototype.js 1.7',
    install: [prototypeJs, '1.7'],
    own: (g) => {
      const out: string[] = [];
      if ([5, 6].filter((_v, _i, all) => all === undefined).length != 2) out.push('filter');
      if (g.Array.from(new Set([1])).length) out.push('Array.from');
      if ('abc'.startsWith('b', 1)) out.push('String#startsWith');
      if (g.JSON.stringify({ a: [1] }) !== '{"a":[1]}') out.push('JSON.stringify');
      if (!('each' in [])) out.push('Array#each');
      return out;
    },
  },
  {
    name: 'Sugar 2 in extended mode, Object.prototype too',
    scripts: ['sugar/dist/sugar.min.js'],
    setup: 'Sugar.extend({ objectPrototype: true });',
    own: () => {
      const out: string[] = [];
      const list: Global = [{ a: 1 }, { a: 2 }];
      if (list.map('a').sum() !== 3) out.push('Array#map shortcut, Array#sum');
      if (list[0].size() !== 1) out.push('Object#size');
      return out;
    },
  },
  {
    name: 'es5-shim and es5-sham',
    scripts: ['es5-shim/es5-shim.min.js', 'es5-shim/es5-sham.min.js'],
    own: (g) => (g.Array.prototype.reduce.call([1, 2], (a: number, b: number) => a + b) === 3 ? [] : ['reduce']),
  },
  {
    name: 'es6-shim and es6-sham',
    scripts: ['es6-shim/es6-shim.min.js', 'es6-shim/es6-sham.min.js'],
    own: (g) => (g.Array.from(new g.Set([1, 1, 2])).length === 2 ? [] : ['Array.from']),
  },
  {
    name: 'core-js (the full bundle)',
    scripts: ['core-js-bundle/minified.js'],
    own: (g) => (g.structuredClone({ a: [1] }).a[0] === 1 && g.Iterator.from([1, 2]).toArray().length === 2 ? [] : ['core-js']),
  },
  {
    name: 'zone.js',
    scripts: ['zone.js/bundles/zone.umd.min.js'],
    // Its zones carry on through the page's promises.
    own: (g) =>
      g.Zone.current
        .fork({ name: 'page' })
        .run(() => g.Promise.resolve().then(() => (g.Zone.current.name == 'page' ? [] : ['Zone.current']))),
  },
  {
    name: 'SES lockdown(): frozen intrinsics',
    scripts: ['ses/dist/ses.umd.min.js'],
    setup: 'lockdown();',
    own: (g) => (g.Object.isFrozen(g.Array.prototype) && g.Object.isFrozen(g.harden({ a: 1 })) ? [] : ['lockdown']),
  },
  {
    name: 'a fetch stub that returns undefined',
    install: [fetchStub],
    fetch: true,
    own: (g) => {
      const calls = g.__pageFetches;
      return g.fetch('/page') === undefined && g.__pageFetches == calls + 1 ? [] : ['its stub'];
    },
  },
  {
    name: 'a fetch wrapper that forgets to return',
    install: [fetchWrapper],
    fetch: true,
    own: async (g) => {
      const calls = g.__pageFetches.length;
      const none = g.fetch('/media/clip-1s.webm', { method: 'HEAD' });
      const response = await g.__pageFetches[calls];
      return none === undefined && response.status == 200 ? [] : ['its wrapper'];
    },
  },
];

/**
 * The source of the page script of the hazard at `index` of the list, which the fixture
 * server serves as /page-hazards/<index>.js (in the URL's query, it would bloat each event's
 * pageUrl).
 */
export function pageScript(index: number): string | undefined {
  const hazard = PAGE_HAZARDS[index];
  if (!hazard || !hazard.install) return;
  const [fn, ...args] = hazard.install;
  return `(${fn})(window${args.map((a) => `, ${JSON.stringify(a)}`).join('')});`;
}
