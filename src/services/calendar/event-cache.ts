// A bounded in-process cache of parsed calendar events for reads through the committed store
// (CalendarView, listings, free/busy): keyed by item id and version, so a hit is always current;
// with each event its span, so a windowed read skips events that cannot reach the window.
import type { Item } from '../../core/mailbox/model.ts';
import { expandOccurrences, type CalendarEvent } from '../../core/calendar/icalendar.ts';
import type { Store } from '../../store/store.ts';
import { appointmentClass, appointmentsIn, eventOf, type CalendarEntry } from './calendar-items.ts';

/**
 * From the first start to the last end of every occurrence an event can have (UTC ms): a window
 * that ends at or before `firstStart`, or starts after `lastEnd`, holds none of them. Infinite for a
 * series without an end (or with more occurrences than spanWalkLimit); (-Infinity, Infinity) when
 * it cannot be told (a rule that does not expand), which never skips anything.
 */
export interface EventSpan {
  firstStart: number;
  lastEnd: number;
}

const unknownSpan: EventSpan = { firstStart: -Infinity, lastEnd: Infinity };
/** Occurrences of a bounded series walked to find its last one; a longer series counts as endless. */
const spanWalkLimit = 1_000;
/**
 * An occurrence of a series starts at DTSTART or later, except when its wall time falls into a
 * daylight-saving gap of the zone; two days cover every such shift there has been.
 */
const dstMargin = 2 * 86_400_000;
const ms = (text: string) => Date.parse(text);
const earliest = new Date(-8.64e15).toISOString();
const latest = new Date(8.64e15).toISOString();

/**
 * The span of an event, from expandOccurrences itself: a window's occurrences are among those of
 * the widest window (a narrower window walks the same rule from DTSTART, no further, and keeps
 * fewer), so the span is right whatever rules expandOccurrences applies, its walk bound included.
 */
export function spanOf(event: CalendarEvent): EventSpan {
  const startMs = ms(event.start);
  if (!event.rrule) return Number.isNaN(startMs + ms(event.end)) ? unknownSpan : { firstStart: Math.min(startMs, ms(event.end)), lastEnd: Math.max(startMs, ms(event.end)) };
  const endless = (): EventSpan => {
    const starts = [startMs, ...event.overrides.map((o) => ms(o.start ?? o.recurrenceId))];
    return starts.some(Number.isNaN) ? unknownSpan : { firstStart: Math.min(...starts) - dstMargin, lastEnd: Infinity };
  };
  if (!/(^|;)\s*(COUNT|UNTIL)\s*=/i.test(event.rrule)) return endless();
  let all;
  try {
    all = expandOccurrences(event, earliest, latest, spanWalkLimit);
  } catch {
    return unknownSpan;
  }
  if (all.length >= spanWalkLimit) return endless();
  let firstStart = Infinity;
  let lastEnd = -Infinity;
  for (const o of all) {
    firstStart = Math.min(firstStart, ms(o.start), ms(o.end));
    lastEnd = Math.max(lastEnd, ms(o.start), ms(o.end));
  }
  // No occurrence at all (every one deleted): no window shows the event.
  return Number.isNaN(firstStart) || Number.isNaN(lastEnd) ? unknownSpan : { firstStart, lastEnd };
}

/** May the event have an occurrence that expandOccurrences(event, from, to) returns? False only when surely not. */
export const mayOverlap = (span: EventSpan, fromMs: number, toMs: number) => !(span.lastEnd < fromMs || span.firstStart >= toMs);

interface CachedEvent {
  /** The store the event was read from (its number in storeNumbers). */
  store: number;
  version: number;
  event: CalendarEvent;
  span: EventSpan;
  /** What the entry is counted as against the cache's byte budget. */
  weight: number;
}

/**
 * A cached event's heap, estimated from its iCalendar text on the high side: measured (Node 20) at
 * ~1.6 KB for a plain appointment of 870 bytes (its VTIMEZONE included) and ~5.7 KB for one of
 * 2.9 KB (a 2 KB description): the decoded text, which the strings cut from it keep alive, plus
 * the event's objects.
 */
const weightOf = (mime: Buffer) => 2 * mime.length + 512;

/**
 * Parsed events by item id, for reads through the committed store only. An entry is used when the
 * item read from the store has the entry's version: every change of a stored item's content
 * (saveEvent, saveItem) writes a new version, and item ids are never reused, so a hit is the event
 * the item holds now. Reads inside a transaction never fill it: a transaction may roll back, and its
 * uncommitted version number could later be committed with other content. Rows and MIME are read by
 * separate queries, so a write committed between them makes a miss parse a newer MIME than its
 * row's version says: the entry then holds what every reader who has that (no longer current) row
 * would read anyway, and readers after the commit see the new version and miss.
 *
 * Events are shared between requests: callers treat them as immutable (they spread, never mutate).
 *
 * Bounded by entries and by estimated bytes (weightOf), least recently used first out. The
 * defaults, 20,000 events or 64 MiB (estimated), hold a few large calendars: 20,000 ordinary
 * appointments take about 32 MB of heap (estimated 45 MB); events with long descriptions reach the
 * byte bound first.
 */
export class CalendarEventCache {
  #entries = new Map<string, CachedEvent>();
  #bytes = 0;
  #capacity: number;
  #maxBytes: number;
  #storeNumbers = new WeakMap<Store, number>();
  #nextStore = 1;
  #hits = 0;
  #misses = 0;

  constructor(capacity: number, maxBytes: number) {
    this.#capacity = capacity;
    this.#maxBytes = maxBytes;
  }

  get capacity(): number {
    return this.#capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Estimated bytes held (see the class comment). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Lookups that found the item's version, and those that did not, since the process started. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** A new bound on entries (0 turns the cache off); shrinking drops the least recently used. */
  resize(capacity: number): void {
    this.#capacity = capacity;
    this.#trim();
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  storeNumber(store: Store): number {
    let n = this.#storeNumbers.get(store);
    if (n === undefined) {
      n = this.#nextStore++;
      this.#storeNumbers.set(store, n);
    }
    return n;
  }

  get(store: number, item: Item): CachedEvent | undefined {
    const entry = this.#entries.get(item.id);
    if (!entry || entry.store !== store || entry.version !== item.version) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    // Most recently used last.
    this.#entries.delete(item.id);
    this.#entries.set(item.id, entry);
    return entry;
  }

  set(id: string, entry: CachedEvent): void {
    if (entry.weight > this.#maxBytes || this.#capacity === 0) return;
    const earlier = this.#entries.get(id);
    // A slower reader of an older version must not replace a newer one.
    if (earlier && earlier.store === entry.store && earlier.version > entry.version) return;
    if (earlier) this.#drop(id, earlier);
    this.#entries.set(id, entry);
    this.#bytes += entry.weight;
    this.#trim();
  }

  #drop(id: string, entry: CachedEvent): void {
    this.#entries.delete(id);
    this.#bytes -= entry.weight;
  }

  #trim(): void {
    while (this.#entries.size > this.#capacity || this.#bytes > this.#maxBytes) {
      const [id, entry] = this.#entries.entries().next().value as [string, CachedEvent];
      this.#drop(id, entry);
    }
  }
}

/** The process's cache of parsed events (see CalendarEventCache). */
export const calendarEventCache = new CalendarEventCache(20_000, 64 * 1024 * 1024);

interface CachedCalendarEntry extends CalendarEntry {
  span: EventSpan;
}

async function cachedEntriesWithSpans(store: Store, items: Item[]): Promise<CachedCalendarEntry[]> {
  const cache = calendarEventCache;
  const storeNumber = cache.storeNumber(store);
  const found = new Map<string, CachedCalendarEntry>();
  const missing: Item[] = [];
  for (const item of items) {
    if (item.itemClass !== appointmentClass) continue;
    const hit = cache.get(storeNumber, item);
    if (hit) found.set(item.id, { item, event: hit.event, span: hit.span });
    else missing.push(item);
  }
  if (missing.length) {
    const mimes = await store.getItemMime(missing.map((i) => i.id));
    for (const item of missing) {
      const mime = mimes.get(item.id);
      if (!mime) continue;
      const event = eventOf(mime);
      // The span costs one walk of a bounded series: worth it only for an event kept for later.
      const span = cache.capacity > 0 ? spanOf(event) : unknownSpan;
      cache.set(item.id, { store: storeNumber, version: item.version, event, span, weight: weightOf(mime) });
      found.set(item.id, { item, event, span });
    }
  }
  // In the order of `items`, as entriesOf gives them.
  return items.flatMap((item) => found.get(item.id) ?? []);
}

/**
 * entriesOf for reads through the committed store (not a transaction: a StoreTx is no Store), with
 * events from calendarEventCache; only the items it misses have their MIME read and parsed.
 */
export async function cachedEntriesOf(store: Store, items: Item[]): Promise<CalendarEntry[]> {
  return (await cachedEntriesWithSpans(store, items)).map(({ item, event }) => ({ item, event }));
}

/**
 * calendarEntries through the committed store, with events from calendarEventCache. Given a window
 * (UTC ISO or ms, [from, to) as expandOccurrences takes it), entries whose occurrences surely all
 * fall outside it are left out: expanding them into the window would give nothing.
 */
export async function cachedCalendarEntries(store: Store, mailboxGuid: string, folderIds: string[], window?: { from: string | number; to: string | number }): Promise<CalendarEntry[]> {
  const entries = await cachedEntriesWithSpans(store, await appointmentsIn(store, mailboxGuid, folderIds));
  const fromMs = window ? (typeof window.from === 'number' ? window.from : ms(window.from)) : NaN;
  const toMs = window ? (typeof window.to === 'number' ? window.to : ms(window.to)) : NaN;
  return entries.filter((e) => !window || mayOverlap(e.span, fromMs, toMs)).map(({ item, event }) => ({ item, event }));
}

