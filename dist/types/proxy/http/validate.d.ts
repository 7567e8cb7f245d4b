/**
 * Checks a parsed beacon body against the schema. Pure: the clock comes in as `now`.
 *
 * Every problem names the event's index and the field, so a 400 answer says exactly what to
 * fix. Messages never echo the client's values back.
 */
import { type WireEvent } from '../../wire.js';
/** Why an input was refused; also the `reason` label of the rejection metric. */
export type ProblemCode = 'bad_json' | 'forbidden_key' | 'not_object' | 'no_events' | 'too_many_events' | 'unknown_type' | 'unknown_field' | 'required' | 'empty' | 'wrong_type' | 'not_allowed' | 'too_long' | 'out_of_range' | 'too_old' | 'in_future' | 'contact_id_refused';
/** One thing wrong with a request. */
export interface Problem {
    /** Index of the event in `events`, or null for the request as a whole. */
    index: number | null;
    /** The field, dotted for nested ones (`rawDataMap.12`, `derivedValues.totalPercentPlayed`). */
    field: string;
    /** Machine-readable reason. */
    code: ProblemCode;
    /** What is wrong, for a person. */
    problem: string;
}
/** Knobs of the validator. */
export interface ValidationOptions {
    /** Oldest acceptable `occurredTimestamp`, as an age in ms. Default 3 days. */
    maxEventAgeMs?: number;
    /** How far in the future `occurredTimestamp` may be, in ms. Default 10 minutes. */
    maxClockSkewMs?: number;
    /**
     * Accept `contactId`. Default false: a browser can claim any contact id, which would let
     * anyone attach plays to any contact. Turn on only when every caller is authenticated.
     */
    allowContactId?: boolean;
}
/**
 * Valid events, as they will be stored. `shortened` counts the descriptive fields cut to
 * their cap; when it is not 0, the events differ from the body's text.
 */
export type Validation = {
    ok: true;
    events: WireEvent[];
    shortened: number;
} | {
    ok: false;
    problems: Problem[];
};
/** At most this many problems are listed in one answer. */
export declare const MAX_PROBLEMS = 100;
/** Validates `{"events": [...]}`; `now` is the server's clock in ms. */
export declare function validateBody(body: unknown, now: number, options?: ValidationOptions): Validation;
/** The first `max` UTF-16 units of `text`, without leaving half of a surrogate pair at the end. */
export declare function shorten(text: string, max: number): string;
