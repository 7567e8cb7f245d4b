/**
 * A stand-in for `localStorage` as the tracker uses it: keys read and written as properties,
 * `Object.keys`, `removeItem`, and a quota. Past the quota a write throws the browser's
 * `QuotaExceededError`, as a full origin (or Safari's private mode of old) does.
 */
export interface FakeStorage extends Storage {
  /** The stored items, for assertions. */
  readonly items: Record<string, string>;
  /** Bytes (UTF-16 code units of keys and values) the store takes; Infinity by default. */
  quota: number;
}

export function fakeStorage(quota = Infinity): FakeStorage {
  const items: Record<string, string> = {};
  const used = () => Object.entries(items).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const api = {
    items,
    quota,
    getItem: (key: string) => (key in items ? items[key] : null),
    setItem: (key: string, value: string) => write(key, value),
    removeItem: (key: string) => void delete items[key],
    clear: () => Object.keys(items).forEach((k) => delete items[k]),
    key: (i: number) => Object.keys(items)[i] ?? null,
    get length() {
      return Object.keys(items).length;
    },
  };
  const write = (key: string, value: string) => {
    const before = items[key];
    items[key] = String(value);
    if (used() > api.quota) {
      if (before === undefined) delete items[key];
      else items[key] = before;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
  };
  return new Proxy(api, {
    get: (target, key) => (typeof key == 'string' && key in items ? items[key] : Reflect.get(target, key)),
    set: (target, key, value) => {
      if (key == 'quota') target.quota = value;
      else write(String(key), value);
      return true;
    },
    deleteProperty: (_, key) => delete items[String(key)],
    ownKeys: () => Object.keys(items),
    getOwnPropertyDescriptor: (_, key) =>
      typeof key == 'string' && key in items ? { value: items[key], enumerable: true, configurable: true, writable: true } : undefined,
  }) as unknown as FakeStorage;
}
