// The cache of parsed calendar events behind CalendarView, on every store dialect: cached reads give
// what uncached ones give, a changed item is read again, a rolled-back transaction never leaves
// anything behind, a hit reads no MIME, the window filter drops only events that cannot show, and
// the cache stays within its bounds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { expandOccurrences, meetingDefaults, type CalendarEvent } from '../../src/core/calendar/icalendar.ts';
import type { Folder, Item } from '../../src/core/mailbox/model.ts';
import type { Store } from '../../src/store/store.ts';
import { mailboxFolders } from '../../src/services/mailbox/folders.ts';
import { calendarEntries, entriesOf, putNewEvent, saveEvent, type CalendarEntry } from '../../src/services/calendar/calendar-items.ts';
import { CalendarEventCache, cachedCalendarEntries, cachedEntriesOf, calendarEventCache, mayOverlap, spanOf } from '../../src/services/calendar/event-cache.ts';

const now = '2025-06-01T00:00:00Z';

const event = (uid: string, start: string, end: string, more: Partial<CalendarEvent> = {}): CalendarEvent => ({
  ...meetingDefaults,
  uid,
  subject: uid,
  body: '',
  location: '',
  start,
  end,
  timeZone: 'Europe/Berlin',
  isAllDay: false,
  rrule: null,
  exdates: [],
  overrides: [],
  ...more,
});

/** Singles, all-day and zero-length events, and series ending by count, by date or never, with a deleted and moved occurrences (one moved before the series starts). */
const sampleEvents: CalendarEvent[] = [
  event('single', '2025-03-10T09:00:00Z', '2025-03-10T10:00:00Z'),
  event('zero-length', '2025-03-12T09:00:00Z', '2025-03-12T09:00:00Z'),
  event('all-day', '2025-03-14T00:00:00Z', '2025-03-15T00:00:00Z', { isAllDay: true, timeZone: 'UTC' }),
  event('weekly-count', '2025-03-03T08:00:00Z', '2025-03-03T08:30:00Z', {
    rrule: 'FREQ=WEEKLY;COUNT=6',
    exdates: ['2025-03-17T08:00:00Z'],
    overrides: [{ recurrenceId: '2025-03-24T08:00:00Z', subject: 'moved later', start: '2025-05-02T08:00:00Z', end: '2025-05-02T09:00:00Z' }],
  }),
  event('daily-until', '2025-04-01T07:00:00Z', '2025-04-01T07:15:00Z', {
    rrule: 'FREQ=DAILY;UNTIL=20250410T070000Z',
    overrides: [{ recurrenceId: '2025-04-03T07:00:00Z', subject: 'moved earlier', start: '2025-02-01T07:00:00Z', end: '2025-02-01T07:15:00Z' }],
  }),
  event('endless', '2025-03-05T12:00:00Z', '2025-03-05T13:00:00Z', { rrule: 'FREQ=WEEKLY;INTERVAL=2' }),
  event('dst-weekday', '2025-03-24T06:00:00Z', '2025-03-24T06:30:00Z', { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12' }),
];

/** Windows around and between the events, with edges exactly on starts and ends. */
const windows: Array<[string, string]> = [
  ['2025-01-01T00:00:00Z', '2025-01-31T00:00:00Z'],
  ['2025-02-01T07:00:00Z', '2025-02-01T07:00:01Z'],
  ['2025-03-01T00:00:00Z', '2025-03-08T00:00:00Z'],
  ['2025-03-10T10:00:00Z', '2025-03-12T09:00:00Z'],
  ['2025-03-12T09:00:00Z', '2025-03-12T09:00:00Z'],
  ['2025-03-12T09:00:00Z', '2025-03-13T00:00:00Z'],
  ['2025-03-14T00:00:00Z', '2025-03-14T00:00:01Z'],
  ['2025-04-07T07:15:00Z', '2025-04-30T00:00:00Z'],
  ['2025-05-01T00:00:00Z', '2025-06-01T00:00:00Z'],
  ['2025-06-01T00:00:00Z', '2027-01-01T00:00:00Z'],
  ['2030-01-01T00:00:00Z', '2030-01-08T00:00:00Z'],
];

const occurrencesIn = (entries: CalendarEntry[], [from, to]: [string, string]) =>
  entries.flatMap((e) => expandOccurrences(e.event, from, to).map((o) => `${e.item.id} ${o.recurrenceId} ${o.start} ${o.end} ${o.subject}`)).sort();

/** Counts the item ids whose MIME the store reads. */
function countMimeReads(store: Store): { ids: string[]; restore(): void } {
  const original = store.getItemMime;
  const reads = { ids: [] as string[], restore: () => (store.getItemMime = original) };
  store.getItemMime = (ids) => {
    reads.ids.push(...ids);
    return original.call(store, ids);
  };
  return reads;
}

for (const target of storeTargets()) {
  describe(`calendar event cache (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    let store: Store;
    let mailboxGuid: string;
    let calendar: Folder;
    const items = new Map<string, Item>();
    const read = () => cachedCalendarEntries(store, mailboxGuid, [calendar.id]);

    before(async () => {
      org = await openDemo(target);
      store = org.store;
      mailboxGuid = org.runtime.state.model.lookup('bob@contoso.com')[0].guid;
      await store.transaction(async (tx) => {
        calendar = (await mailboxFolders(tx, mailboxGuid, now)).find((f) => f.distinguishedName === 'calendar')!;
        for (const e of sampleEvents) items.set(e.uid, (await putNewEvent(tx, calendar, e, now)).item);
      });
    });
    after(() => org?.close());

    it('gives the entries the uncached reads give, on a miss and on a hit', async () => {
      const uncached = await calendarEntries(store, mailboxGuid, [calendar.id]);
      assert.equal(uncached.length, sampleEvents.length);
      assert.deepEqual(await read(), uncached);
      assert.deepEqual(await read(), uncached);
      const listed = [...items.values()];
      assert.deepEqual(await cachedEntriesOf(store, listed), await entriesOf(store, listed));
      assert.deepEqual(await cachedCalendarEntries(store, mailboxGuid, []), []);
    });

    it('reads no MIME for items it holds, and only the MIME of the items it misses', async () => {
      await read();
      const reads = countMimeReads(store);
      try {
        const { hits } = calendarEventCache.stats;
        await read();
        assert.deepEqual(reads.ids, []);
        assert.equal(calendarEventCache.stats.hits - hits, sampleEvents.length);
        const single = items.get('single')!;
        await store.transaction(async (tx) => {
          const [entry] = await entriesOf(tx, [(await tx.getItems([single.id]))[0]]);
          items.set('single', await saveEvent(tx, entry.item, { ...entry.event, location: 'Room 7' }, now));
        });
        const entries = await read();
        assert.deepEqual(reads.ids, [single.id]);
        assert.equal(entries.find((e) => e.item.id === single.id)!.event.location, 'Room 7');
      } finally {
        reads.restore();
      }
    });

    it('reads a changed item again (its new version)', async () => {
      const id = items.get('weekly-count')!.id;
      assert.equal((await read()).find((e) => e.item.id === id)!.event.subject, 'weekly-count');
      await store.transaction(async (tx) => {
        const [entry] = await entriesOf(tx, await tx.getItems([id]));
        await saveEvent(tx, entry.item, { ...entry.event, subject: 'renamed' }, now);
      });
      const after = (await read()).find((e) => e.item.id === id)!;
      assert.equal(after.event.subject, 'renamed');
      assert.deepEqual(await read(), await calendarEntries(store, mailboxGuid, [calendar.id]));
    });

    it('never keeps what a rolled-back transaction read, even when its version number is committed later with other content', async () => {
      const id = items.get('endless')!.id;
      const committedBefore = (await read()).find((e) => e.item.id === id)!;
      const rolledBack = new Error('roll back');
      await assert.rejects(
        store.transaction(async (tx) => {
          const [entry] = await entriesOf(tx, await tx.getItems([id]));
          const saved = await saveEvent(tx, entry.item, { ...entry.event, subject: 'never committed' }, now);
          // Read back inside the transaction, as an operation does before it fails.
          const [inside] = await entriesOf(tx, [saved]);
          assert.equal(inside.event.subject, 'never committed');
          assert.equal(saved.version, committedBefore.item.version + 1);
          // The store itself refuses to be read inside its own transaction: no cached read can see this.
          await assert.rejects(cachedCalendarEntries(store, mailboxGuid, [calendar.id]), /inside its own transaction/);
          throw rolledBack;
        }),
        rolledBack,
      );
      assert.equal((await read()).find((e) => e.item.id === id)!.event.subject, 'endless');
      // The same version number, now committed with other content.
      const committed = await store.transaction(async (tx) => {
        const [entry] = await entriesOf(tx, await tx.getItems([id]));
        return saveEvent(tx, entry.item, { ...entry.event, subject: 'committed' }, now);
      });
      assert.equal(committed.version, committedBefore.item.version + 1);
      assert.equal((await read()).find((e) => e.item.id === id)!.event.subject, 'committed');
    });

    it('accepts only the store, never a transaction (by type)', async () => {
      await store.transaction(async (tx) => {
        // @ts-expect-error a StoreTx is not a Store: reads inside a transaction must not fill the cache
        const attempt = () => cachedEntriesOf(tx, []);
        assert.equal(typeof attempt, 'function');
      });
    });

    it('given a window, leaves out only entries without occurrences in it', async () => {
      const all = await calendarEntries(store, mailboxGuid, [calendar.id]);
      for (const window of windows) {
        const [from, to] = window;
        const kept = await cachedCalendarEntries(store, mailboxGuid, [calendar.id], { from, to });
        assert.deepEqual(occurrencesIn(kept, window), occurrencesIn(all, window), `window ${from} .. ${to}`);
        assert.deepEqual(await cachedCalendarEntries(store, mailboxGuid, [calendar.id], { from: Date.parse(from), to: Date.parse(to) }), kept);
      }
      const farAway = await cachedCalendarEntries(store, mailboxGuid, [calendar.id], { from: '2030-01-01T00:00:00Z', to: '2030-01-08T00:00:00Z' });
      assert.deepEqual(
        farAway.map((e) => e.event.uid),
        ['endless'],
      );
    });

    it('works with the cache turned off', async () => {
      const capacity = calendarEventCache.capacity;
      calendarEventCache.resize(0);
      try {
        assert.equal(calendarEventCache.size, 0);
        assert.deepEqual(await read(), await calendarEntries(store, mailboxGuid, [calendar.id]));
        assert.equal(calendarEventCache.size, 0);
        const window = windows[2];
        const kept = await cachedCalendarEntries(store, mailboxGuid, [calendar.id], { from: window[0], to: window[1] });
        assert.deepEqual(occurrencesIn(kept, window), occurrencesIn(await calendarEntries(store, mailboxGuid, [calendar.id]), window));
      } finally {
        calendarEventCache.resize(capacity);
      }
    });
  });
}

describe('event spans', () => {
  it('span a single event, a bounded series (with moved occurrences) and an endless one', () => {
    assert.deepEqual(spanOf(sampleEvents[0]), { firstStart: Date.parse('2025-03-10T09:00:00Z'), lastEnd: Date.parse('2025-03-10T10:00:00Z') });
    assert.deepEqual(spanOf(sampleEvents[3]), { firstStart: Date.parse('2025-03-03T08:00:00Z'), lastEnd: Date.parse('2025-05-02T09:00:00Z') });
    // Where UNTIL ends the series is expandOccurrences' business; the span ends with its last occurrence.
    const last = expandOccurrences(sampleEvents[4], '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z').at(-1)!;
    assert.deepEqual(spanOf(sampleEvents[4]), { firstStart: Date.parse('2025-02-01T07:00:00Z'), lastEnd: Date.parse(last.end) });
    const endless = spanOf(sampleEvents[5]);
    assert.equal(endless.lastEnd, Infinity);
    assert.ok(endless.firstStart <= Date.parse('2025-03-05T12:00:00Z') && endless.firstStart >= Date.parse('2025-03-01T00:00:00Z'));
    const allDeleted = event('all-deleted', '2025-03-03T08:00:00Z', '2025-03-03T08:30:00Z', { rrule: 'FREQ=DAILY;COUNT=2', exdates: ['2025-03-03T08:00:00Z', '2025-03-04T08:00:00Z'] });
    assert.equal(mayOverlap(spanOf(allDeleted), 0, 8.64e15), false);
  });

  it('follow what expansion shows, and are unbounded when they cannot be told, which never skips', () => {
    // A rule expansion refuses shows its first occurrence only, and so does its span.
    const broken = spanOf(event('broken', '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', { rrule: 'FREQ=NONSENSE;COUNT=3' }));
    assert.deepEqual(broken, { firstStart: Date.parse('2025-01-01T00:00:00Z'), lastEnd: Date.parse('2025-01-01T01:00:00Z') });
    // Too long to walk: endless from a little before its start.
    const huge = spanOf(event('daily', '2025-01-01T00:00:00Z', '2025-01-01T00:00:30Z', { rrule: 'FREQ=DAILY;COUNT=100000', timeZone: 'UTC' }));
    assert.equal(huge.lastEnd, Infinity);
    assert.ok(huge.firstStart <= Date.parse('2025-01-01T00:00:00Z'));
    assert.ok(mayOverlap(spanOf(event('bad-date', 'not a date', 'never')), 0, 1));
  });

  it('overlap a window unless it ends at or before the first start or starts after the last end', () => {
    const span = { firstStart: 100, lastEnd: 200 };
    assert.equal(mayOverlap(span, 0, 100), false);
    assert.equal(mayOverlap(span, 0, 101), true);
    assert.equal(mayOverlap(span, 200, 300), true);
    assert.equal(mayOverlap(span, 201, 300), false);
  });
});

describe('CalendarEventCache bounds', () => {
  const entry = (store: number, version: number, weight = 10) => ({ store, version, event: sampleEvents[0], span: spanOf(sampleEvents[0]), weight });
  const item = (id: string, version: number) => ({ id, version }) as Item;

  it('drops the least recently used entry beyond its capacity', () => {
    const cache = new CalendarEventCache(2, 1_000);
    cache.set('a', entry(1, 1));
    cache.set('b', entry(1, 1));
    assert.ok(cache.get(1, item('a', 1)));
    cache.set('c', entry(1, 1));
    assert.equal(cache.size, 2);
    assert.equal(cache.get(1, item('b', 1)), undefined);
    assert.ok(cache.get(1, item('a', 1)));
    assert.ok(cache.get(1, item('c', 1)));
  });

  it('stays within its byte budget and skips entries bigger than all of it', () => {
    const cache = new CalendarEventCache(100, 100);
    for (const id of ['a', 'b', 'c', 'd']) cache.set(id, entry(1, 1, 30));
    assert.equal(cache.size, 3);
    assert.equal(cache.bytes, 90);
    cache.set('huge', entry(1, 1, 101));
    assert.equal(cache.get(1, item('huge', 1)), undefined);
    cache.resize(1);
    assert.equal(cache.size, 1);
    assert.equal(cache.bytes, 30);
    cache.clear();
    assert.equal(cache.bytes, 0);
  });

  it('hits only the same store and version, and never goes back to an older version', () => {
    const cache = new CalendarEventCache(10, 1_000);
    cache.set('a', entry(1, 2));
    assert.equal(cache.get(2, item('a', 2)), undefined);
    assert.equal(cache.get(1, item('a', 1)), undefined);
    cache.set('a', entry(1, 1));
    assert.ok(cache.get(1, item('a', 2)));
    cache.set('a', entry(1, 3));
    assert.ok(cache.get(1, item('a', 3)));
    assert.equal(cache.bytes, 10);
  });
});
