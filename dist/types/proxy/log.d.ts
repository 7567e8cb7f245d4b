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
export declare function createLogger(options?: LoggerOptions): Logger;
/** A logger that writes nothing. */
export declare const silentLogger: Logger;
/** Strips CR/LF, scrubs secrets, and cuts long strings. */
export declare function clean(text: string, secrets?: readonly string[]): string;
/** Replaces every occurrence of each secret (of a length worth matching) with "[redacted]". */
export declare function scrub(text: string, secrets: readonly string[]): string;
/**
 * A step that fails for a while (storing while Redis is down, a disk that is full) logs its
 * first failure and its recovery, not every failure in between.
 */
export declare class Outage {
    private readonly log;
    /** What failed, e.g. "storing events". */
    private readonly what;
    private readonly now;
    private since;
    private failures;
    constructor(log: Logger, 
    /** What failed, e.g. "storing events". */
    what: string, now?: () => number);
    fail(error: unknown): void;
    ok(): void;
}
