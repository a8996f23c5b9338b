// CalendarView benchmark.
//
// What it measures: one calendar of 2,000 appointments over two years (2025 and 2026) — 1,800
// single ones and 200 series: weekly and daily (some every weekday), most ending after a count or
// on a date, 20 without an end, a third of them with a deleted and a moved, renamed occurrence —
// written through the calendar services (putNewEvent, one transaction, SQLite store). It is served
// over EWS at /EWS/Exchange.asmx to a service account impersonating the owner (Basic
// authentication), as FindItem with <m:CalendarView> over the Calendar folder, IdOnly plus
// calendar:Start, calendar:End and item:Subject, with one client, for a one-week and a one-month
// window in January 2026: occurrences per second, requests per second, and the server's CPU per
// request. CalendarView reads every appointment row of the folder on every request; each event
// comes from the in-process cache of parsed events (calendarEventCache in
// services/calendar/calendar-items.ts) or, on a miss, from parsing the item's iCalendar text, and
// events whose occurrences all lie outside the window are not expanded. The phases run with that
// cache off, then on, so their ratio is its gain measured in the same run; "off" is what every
// request costs when nothing is cached (a cold process, or a calendar bigger than the cache), and
// what every request cost before the cache.
// Every request is a whole one as in bench/ews.ts (authentication, impersonation through the
// authorizer, the store query, XML writing, the read audit). Before measuring, one response per
// window is checked occurrence by occurrence against the events expanded here in-process; while
// measuring, every response must hold exactly that many occurrences or the run fails.
//
// The baseline, in the same run and with the same load process (bench/ews-load.mjs, via drive() of
// bench/ews.ts): a plain node:http server answering a fixed 4 KB body with one client, before and
// after the EWS phases; ratios are EWS requests/s over the mean baseline requests/s.
//
// Not measured: TLS, PostgreSQL, more than one client, windows with TimeZoneContext, a cache that
// is filling (its warm-up is not counted). About 20 s.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../src/server/server.ts';
import { CmdletHost } from '../src/cmdlets/runner.ts';
import { localAdministrator } from '../src/services/organization.ts';
import { mailboxFolders } from '../src/services/mailbox/folders.ts';
import { putNewEvent } from '../src/services/calendar/calendar-items.ts';
import { calendarEventCache } from '../src/services/calendar/event-cache.ts';
import { expandOccurrences, meetingDefaults, type CalendarEvent } from '../src/core/calendar/icalendar.ts';
import { drive, startPlainServer, type LoadResult, type LoadSpec } from './ews.ts';

export interface CalendarBenchOptions {
  singles: number;
  series: number;
  phaseMs: number;
  warmMs: number;
}

export const defaultCalendarBenchOptions: CalendarBenchOptions = { singles: 1_800, series: 200, phaseMs: 2_000, warmMs: 400 };

const password = 'Passw0rd!bench';
const day = 86_400_000;
const hour = 3_600_000;
const origin = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const windows = {
  week: { from: '2026-01-12T00:00:00Z', to: '2026-01-19T00:00:00Z' },
  month: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
};

/** A small seeded generator (mulberry32), so every run writes the same calendar. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** The calendar: singles spread over 730 days in working hours, then the series. */
export function benchEvents(singles: number, series: number): CalendarEvent[] {
  const rand = random(20250101);
  const events: CalendarEvent[] = [];
  const base = (i: number, start: number, minutes: number): CalendarEvent => ({
    ...meetingDefaults,
    uid: `bench-${i}@contoso.com`,
    subject: `Appointment ${i}`,
    body: `Agenda of appointment ${i}.`,
    location: `Room ${1 + rand(40)}`,
    start: iso(start),
    end: iso(start + minutes * 60_000),
    timeZone: rand(5) === 0 ? 'America/New_York' : 'Europe/Berlin',
    isAllDay: false,
    rrule: null,
    exdates: [],
    overrides: [],
  });
  for (let i = 0; i < singles; i++) {
    const start = origin + rand(730) * day + (7 + rand(10)) * hour + rand(4) * 15 * 60_000;
    events.push(base(i, start, [30, 60, 90][rand(3)]));
  }
  for (let s = 0; s < series; s++) {
    const i = singles + s;
    const unbounded = s % 10 === 0;
    const start = origin + (unbounded ? rand(180) : rand(680)) * day + (8 + rand(8)) * hour;
    // Without an end: 10 weekly, 5 every other week, 5 every weekday.
    const kind = unbounded ? [0, 1, 3, 0][(s / 10) % 4] : s % 4;
    const until = iso(start + (20 + rand(120)) * day).replace(/[-:]/g, '');
    const end = unbounded ? '' : s % 3 === 0 ? `;UNTIL=${until}` : `;COUNT=${kind < 2 ? 8 + rand(50) : 5 + rand(30)}`;
    const rule = ['FREQ=WEEKLY', 'FREQ=WEEKLY;INTERVAL=2', 'FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'][kind];
    const event: CalendarEvent = { ...base(i, start, [15, 30, 60][rand(3)]), subject: `Series ${s}`, rrule: rule + end };
    if (s % 3 === 1) {
      const occurrences = expandOccurrences(event, event.start, iso(start + 400 * day), 6);
      if (occurrences.length >= 6) {
        const moved = Date.parse(occurrences[4].start) + hour;
        event.exdates = [occurrences[2].recurrenceId];
        event.overrides = [{ recurrenceId: occurrences[4].recurrenceId, subject: `Series ${s} (moved)`, start: iso(moved), end: iso(moved + 30 * 60_000) }];
      }
    }
    events.push(event);
  }
  return events;
}

const soap = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2016"/><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>bob@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

const calendarView = ({ from, to }: { from: string; to: string }) =>
  soap(
    `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="calendar:Start"/><t:FieldURI FieldURI="calendar:End"/><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape><m:CalendarView StartDate="${from}" EndDate="${to}"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
  );

export interface CalendarBenchResult {
  plain: [LoadResult, LoadResult];
  week: { occurrences: number; uncached: LoadResult; cached: LoadResult };
  month: { occurrences: number; uncached: LoadResult; cached: LoadResult };
}

export async function runCalendarBenchmark(log: (line: string) => void = console.log, overrides: Partial<CalendarBenchOptions> = {}): Promise<CalendarBenchResult> {
  const o = { ...defaultCalendarBenchOptions, ...overrides };
  const benchStarted = performance.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-bench-calendar-'));
  const { url: plainUrl, close: closePlain } = await startPlainServer();
  const server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: password });
  const capacity = calendarEventCache.capacity;
  try {
    const { runtime } = server;
    const admin = localAdministrator(runtime);
    await new CmdletHost(runtime, admin).invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    const bob = runtime.state.model.lookup('bob@contoso.com')[0];
    const events = benchEvents(o.singles, o.series);
    const started = performance.now();
    await runtime.store.transaction(async (tx) => {
      const now = runtime.now().toISOString();
      const calendar = (await mailboxFolders(tx, bob.guid, now)).find((f) => f.distinguishedName === 'calendar')!;
      for (const event of events) await putNewEvent(tx, calendar, event, now);
    });
    const unbounded = events.filter((e) => e.rrule && !/COUNT|UNTIL/.test(e.rrule)).length;
    log(
      `calendar: wrote ${events.length.toLocaleString('en')} appointments (${o.singles.toLocaleString('en')} single, ${o.series} series of which ${unbounded} without an end, ${events.filter((e) => e.overrides.length).length} with exceptions) in ${((performance.now() - started) / 1000).toFixed(1)} s (SQLite)`,
    );

    const ews = `${server.url}/EWS/Exchange.asmx`;
    const authorization = `Basic ${Buffer.from(`svc@contoso.com:${password}`).toString('base64')}`;
    // The benchmark is only sound if CalendarView answers right: compare one response per window
    // with the occurrences expanded here, start, end and subject of each.
    const expected = (w: { from: string; to: string }) =>
      events
        .flatMap((e) => expandOccurrences(e, w.from, w.to).map((x) => `${x.start} ${x.end} ${x.subject}`))
        .sort();
    const check = async (w: { from: string; to: string }) => {
      const response = await fetch(ews, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', authorization }, body: calendarView(w) });
      const text = await response.text();
      if (response.status !== 200 || !text.includes('ResponseClass="Success"')) throw new Error(`CalendarView failed: ${text.slice(0, 400)}`);
      const got = [...text.matchAll(/<t:CalendarItem>.*?<t:Subject>([^<]*)<\/t:Subject><t:Start>([^<]*)<\/t:Start><t:End>([^<]*)<\/t:End>/g)].map((m) => `${m[2]} ${m[3]} ${m[1]}`).sort();
      const want = expected(w);
      if (got.length !== (text.match(/<t:CalendarItem>/g) ?? []).length || got.join('\n') !== want.join('\n')) {
        throw new Error(`CalendarView ${w.from}..${w.to} returned ${got.length} occurrences, expected ${want.length} (or they differ)`);
      }
      return want.length;
    };
    const week = await check(windows.week);
    const month = await check(windows.month);

    const load = (url: string, bodies: string[], countPattern: string, expectPerResponse: number): LoadSpec => ({ clients: 1, url, bodies, countPattern, expectPerResponse, authorization, warmMs: o.warmMs, phaseMs: o.phaseMs });
    const view = (w: { from: string; to: string }, occurrences: number) => drive(load(ews, [calendarView(w)], '<t:CalendarItem>', occurrences));
    // The baseline answers tens of thousands of requests a second: a short phase measures it well.
    const baselinePhase = () => drive({ ...load(plainUrl, [], '', 1), warmMs: 300, phaseMs: 1_000 });
    const plainBefore = await baselinePhase();
    calendarEventCache.resize(0);
    const weekUncached = await view(windows.week, week);
    const monthUncached = await view(windows.month, month);
    calendarEventCache.resize(capacity);
    const weekCached = await view(windows.week, week);
    const monthCached = await view(windows.month, month);
    const plainAfter = await baselinePhase();
    const result: CalendarBenchResult = { plain: [plainBefore, plainAfter], week: { occurrences: week, uncached: weekUncached, cached: weekCached }, month: { occurrences: month, uncached: monthUncached, cached: monthCached } };

    const requests = (r: LoadResult) => r.requests / r.seconds;
    const baseline = (requests(plainBefore) + requests(plainAfter)) / 2;
    const fmt = (n: number, width = 7) => (n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en')).padStart(width);
    const cpuPerRequest = (r: LoadResult) => (r.serverCpuUsPerUnit * r.units) / Math.max(1, r.requests);
    const detail = (r: LoadResult) => `server ${fmt(cpuPerRequest(r), 6)} µs CPU/request, event loop ${Math.round(100 * r.serverBusy)}% busy`;
    log(`  ${'baseline: plain HTTP, fixed 4 KB body (before)'.padEnd(52)} ${fmt(requests(plainBefore))} req/s  ${detail(plainBefore)}`);
    log(`  ${'baseline: plain HTTP, fixed 4 KB body (after)'.padEnd(52)} ${fmt(requests(plainAfter))} req/s  ${detail(plainAfter)}`);
    const line = (what: string, r: LoadResult) =>
      log(`  ${what.padEnd(52)} ${fmt(requests(r))} req/s ${fmt(r.units / r.seconds, 8)} occurrences/s  ${(requests(r) / baseline).toPrecision(2)}× baseline  ${detail(r)}`);
    line(`CalendarView 1 week (${week} occ.), event cache off`, weekUncached);
    line(`CalendarView 1 month (${month} occ.), event cache off`, monthUncached);
    line(`CalendarView 1 week (${week} occ.), event cache on`, weekCached);
    line(`CalendarView 1 month (${month} occ.), event cache on`, monthCached);
    log(
      `  (1 client; ratios are requests/s over the mean of the two baseline runs; the cache's gain: ${(requests(weekCached) / requests(weekUncached)).toFixed(1)}× for the week, ${(requests(monthCached) / requests(monthUncached)).toFixed(1)}× for the month; calendar benchmark ${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`,
    );
    return result;
  } finally {
    calendarEventCache.resize(capacity);
    await server.close();
    await closePlain();
    await rm(dir, { recursive: true, force: true });
  }
}
