/**
 * Checks a parsed beacon body against the schema. Pure: the clock comes in as `now`.
 *
 * Every problem names the event's index and the field, so a 400 answer says exactly what to
 * fix. Messages never echo the client's values back.
 */
import { MAX_EVENTS_PER_REQUEST, type EventType, type WireEvent } from '../../wire.js';
import {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_EVENT_AGE_MS,
  EVENT_TYPES,
  EVENT_TYPE_NAMES,
  MAX_SPAN_COUNT,
  MAX_SPANS,
  type FieldSpec,
} from './schema.js';

/** Why an input was refused; also the `reason` label of the rejection metric. */
export type ProblemCode =
  | 'bad_json'
  | 'forbidden_key'
  | 'not_object'
  | 'no_events'
  | 'too_many_events'
  | 'unknown_type'
  | 'unknown_field'
  | 'required'
  | 'empty'
  | 'wrong_type'
  | 'not_allowed'
  | 'too_long'
  | 'out_of_range'
  | 'too_old'
  | 'in_future'
  | 'contact_id_refused';

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
export type Validation = { ok: true; events: WireEvent[]; shortened: number } | { ok: false; problems: Problem[] };

/** At most this many problems are listed in one answer. */
export const MAX_PROBLEMS = 100;

const SPAN_KEY = /^(?:0|[1-9][0-9]{0,8})$/;

/** Validates `{"events": [...]}`; `now` is the server's clock in ms. */
export function validateBody(body: unknown, now: number, options: ValidationOptions = {}): Validation {
  if (!isPlainObject(body)) return fail(null, 'body', 'not_object', 'the body must be a JSON object {"events": [...]}');
  const problems: Problem[] = [];
  for (const key in body) {
    if (key !== 'events') problems.push(problem(null, clip(key), 'unknown_field', 'is not a field of the request body'));
  }
  const events = body.events;
  if (!Array.isArray(events)) {
    problems.push(problem(null, 'events', events === undefined ? 'required' : 'wrong_type', 'must be an array of events'));
    return { ok: false, problems };
  }
  if (events.length === 0) problems.push(problem(null, 'events', 'no_events', 'must hold at least one event'));
  if (events.length > MAX_EVENTS_PER_REQUEST) {
    problems.push(problem(null, 'events', 'too_many_events', `must hold at most ${MAX_EVENTS_PER_REQUEST} events`));
    return { ok: false, problems };
  }
  const limits: Limits = {
    oldest: now - (options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS),
    newest: now + (options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS),
    allowContactId: options.allowContactId === true,
    shortened: 0,
  };
  for (let i = 0; i < events.length && problems.length < MAX_PROBLEMS; i++) checkEvent(events[i], i, limits, problems);
  if (problems.length) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  return { ok: true, events: events as WireEvent[], shortened: limits.shortened };
}

interface Limits {
  oldest: number;
  newest: number;
  allowContactId: boolean;
  /** Fields cut to their cap so far. */
  shortened: number;
}

function checkEvent(event: unknown, index: number, limits: Limits, out: Problem[]): void {
  if (!isPlainObject(event)) {
    out.push(problem(index, '', 'not_object', 'each event must be a JSON object'));
    return;
  }
  const type = event.type;
  const spec = typeof type === 'string' ? EVENT_TYPES.get(type as EventType) : undefined;
  if (!spec) {
    const code = type === undefined ? 'required' : 'unknown_type';
    out.push(problem(index, 'type', code, `must be one of ${EVENT_TYPE_NAMES.join(', ')}`));
    return;
  }
  for (const field in event) {
    if (field === 'type') continue;
    const fieldSpec = spec.fields.get(field);
    if (!fieldSpec) {
      out.push(problem(index, clip(field), 'unknown_field', `is not a field of ${type} events`));
      continue;
    }
    const value = event[field];
    if (value === undefined) continue; // only from callers in code; JSON has no undefined
    if (value === null || value === '') {
      out.push(problem(index, field, 'empty', 'must be left out rather than sent empty'));
      continue;
    }
    if (fieldSpec.kind === 'string' && fieldSpec.shorten && typeof value === 'string' && value.length > fieldSpec.max) {
      event[field] = shorten(value, fieldSpec.max);
      limits.shortened++;
      continue;
    }
    if (field === 'contactId' && !limits.allowContactId) {
      out.push(
        problem(index, field, 'contact_id_refused', 'is refused from browsers: anyone could claim any contact; send contactUtk'),
      );
      continue;
    }
    checkField(value, fieldSpec, index, field, limits, out);
  }
  for (const field of spec.required) {
    if (event[field] === undefined) out.push(problem(index, field, 'required', `is required for ${type} events`));
  }
}

function checkField(value: unknown, spec: FieldSpec, index: number, field: string, limits: Limits, out: Problem[]): void {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') out.push(problem(index, field, 'wrong_type', 'must be a string'));
      else if (value.length > spec.max) out.push(problem(index, field, 'too_long', `must be at most ${spec.max} characters`));
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        out.push(problem(index, field, 'not_allowed', `must be one of ${spec.values.join(', ')}`));
      }
      return;
    case 'integer':
      if (!Number.isSafeInteger(value)) out.push(problem(index, field, 'wrong_type', 'must be an integer'));
      else if ((value as number) < spec.min || (value as number) > spec.max) {
        out.push(problem(index, field, 'out_of_range', `must be between ${spec.min} and ${spec.max}`));
      }
      return;
    case 'timestamp':
      if (!Number.isSafeInteger(value)) out.push(problem(index, field, 'wrong_type', 'must be an integer of milliseconds since the epoch'));
      else if ((value as number) < limits.oldest) out.push(problem(index, field, 'too_old', 'is older than the proxy accepts'));
      else if ((value as number) > limits.newest) out.push(problem(index, field, 'in_future', 'is too far in the future'));
      return;
    case 'span-counts':
      checkSpanCounts(value, index, field, out);
      return;
    case 'attention-totals':
      checkAttentionTotals(value, index, field, out);
      return;
  }
}

/** `rawDataMap`: span index (a non-negative integer as a string) → how many times it was played. */
function checkSpanCounts(value: unknown, index: number, field: string, out: Problem[]): void {
  if (!isPlainObject(value)) {
    out.push(problem(index, field, 'wrong_type', 'must be an object of span index to play count'));
    return;
  }
  let spans = 0;
  for (const key in value) {
    if (++spans > MAX_SPANS) {
      out.push(problem(index, field, 'too_long', `must hold at most ${MAX_SPANS} spans`));
      return;
    }
    const count = value[key];
    if (!SPAN_KEY.test(key)) {
      out.push(problem(index, `${field}.${clip(key)}`, 'unknown_field', 'span keys must be non-negative integers'));
    } else if (!Number.isSafeInteger(count) || (count as number) < 0 || (count as number) > MAX_SPAN_COUNT) {
      out.push(problem(index, `${field}.${key}`, 'out_of_range', `must be an integer from 0 to ${MAX_SPAN_COUNT}`));
    }
    if (out.length >= MAX_PROBLEMS) return;
  }
}

/** `derivedValues`: `totalPercentPlayed` (0–100) and `totalSecondsPlayed` (integer ≥ 0). */
function checkAttentionTotals(value: unknown, index: number, field: string, out: Problem[]): void {
  if (!isPlainObject(value)) {
    out.push(problem(index, field, 'wrong_type', 'must be an object'));
    return;
  }
  for (const key in value) {
    const v = value[key];
    const path = `${field}.${clip(key)}`;
    if (key === 'totalPercentPlayed') {
      if (typeof v !== 'number' || !(v >= 0 && v <= 100)) out.push(problem(index, path, 'out_of_range', 'must be a number from 0 to 100'));
    } else if (key === 'totalSecondsPlayed') {
      if (!Number.isSafeInteger(v) || (v as number) < 0) out.push(problem(index, path, 'out_of_range', 'must be an integer of at least 0'));
    } else {
      out.push(problem(index, path, 'unknown_field', 'is not a field of derivedValues'));
    }
  }
}

/** The first `max` UTF-16 units of `text`, without leaving half of a surrogate pair at the end. */
export function shorten(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A problem with the request as a whole. */
function fail(index: number | null, field: string, code: ProblemCode, message: string): Validation {
  return { ok: false, problems: [problem(index, field, code, message)] };
}

function problem(index: number | null, field: string, code: ProblemCode, message: string): Problem {
  return { index, field, code, problem: message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys come from the client: keep the echoed name short and free of control characters. */
function clip(key: string): string {
  const safe = key.replace(/[\u0000-\u001f\u007f]/g, '');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}
