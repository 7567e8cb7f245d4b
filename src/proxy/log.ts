/**
 * Logs as one JSON object per line.
 *
 * - Fields whose name says they hold a credential (token, secret, authorization, cookie,
 *   password) are replaced by "[redacted]", at any depth.
 * - Any string containing a registered secret has it replaced, wherever it appears.
 * - CR and LF in strings become spaces, so a client cannot forge a log line; long strings
 *   are cut.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** Lowest level written. Default info. */
  level?: LogLevel;
  /** Where lines go. Default console.log. */
  write?: (line: string) => void;
  /** The secrets to scrub from every line, read at each write (tokens change on refresh). */
  secrets?: () => readonly string[];
  now?: () => number;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /token|secret|authorization|cookie|password|passwd|api[-_]?key/i;
const MAX_STRING = 2_000;
const MAX_DEPTH = 4;
/** Secrets shorter than this are not scrubbed by value (they would match ordinary text). */
const MIN_SECRET_LENGTH = 8;

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const secrets = options.secrets ?? (() => []);

  function log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[level] < min) return;
    const known = secrets();
    const record: LogFields = { time: new Date(now()).toISOString(), level, msg: clean(msg, known) };
    if (fields) for (const [k, v] of Object.entries(fields)) record[clean(k, known)] = redact(k, v, known, 0);
    write(JSON.stringify(record));
  }

  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/** A logger that writes nothing. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function redact(key: string, value: unknown, secrets: readonly string[], depth: number): unknown {
  if (SECRET_FIELD.test(key)) return '[redacted]';
  if (typeof value === 'string') return clean(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact('', v, secrets, depth + 1));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) out[clean(k, secrets)] = redact(k, v, secrets, depth + 1);
  return out;
}

/** Strips CR/LF, scrubs secrets, and cuts long strings. */
export function clean(text: string, secrets: readonly string[] = []): string {
  const out = scrub(text.replace(/[\r\n]+/g, ' '), secrets);
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
}

/** Replaces every occurrence of each secret (of a length worth matching) with "[redacted]". */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * A step that fails for a while (storing while Redis is down, a disk that is full) logs its
 * first failure and its recovery, not every failure in between.
 */
export class Outage {
  private since: number | undefined;
  private failures = 0;

  constructor(
    private readonly log: Logger,
    /** What failed, e.g. "storing events". */
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  fail(error: unknown): void {
    this.failures++;
    if (this.since !== undefined) return;
    this.since = this.now();
    this.log.error(`${this.what} failed; logged again only once it works`, { error: String(error) });
  }

  ok(): void {
    if (this.since === undefined) return;
    this.log.info(`${this.what} works again`, { failures: this.failures, failingForMs: this.now() - this.since });
    this.since = undefined;
    this.failures = 0;
  }
}
