// Pure free/busy rules: merged strings, which events take time, views by access, sharing decisions,
// and legacy (SerializableTimeZone) zones against the IANA rules they describe.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { blocksTime, grantedView, mergedFreeBusy } from '../../../src/core/calendar/free-busy.ts';
import { decideCalendarSharing, freeBusyAccessOf, parseCalendarRole } from '../../../src/core/calendar/sharing.ts';
import { ianaClock, legacyClock, legacyZoneOfIana, localDateTime, utcOfLocal, utcLegacyZone } from '../../../src/core/calendar/legacy-time-zone.ts';
import { DeputyError } from '../../../src/core/errors.ts';

const t = (iso: string) => Date.parse(iso);
const hour = 3_600_000;

describe('merged free/busy', () => {
  it('gives each interval the strongest status overlapping it, OOF over working elsewhere', () => {
    const from = t('2027-03-01T00:00:00Z');
    const spans = [
      { start: from + 1 * hour, end: from + 2 * hour, busyType: 'Tentative' as const },
      { start: from + 2 * hour, end: from + 2.5 * hour, busyType: 'Busy' as const },
      { start: from + 4 * hour, end: from + 6 * hour, busyType: 'WorkingElsewhere' as const },
      { start: from + 5 * hour, end: from + 5.5 * hour, busyType: 'OOF' as const },
    ];
    assert.equal(mergedFreeBusy(spans, from, from + 8 * hour, hour), '01204300');
  });

  it('covers the window exactly, with a last short interval, and ignores spans outside it', () => {
    const from = t('2027-03-01T00:00:00Z');
    assert.equal(mergedFreeBusy([{ start: from - hour, end: from + 1, busyType: 'Busy' }], from, from + 90 * 60_000, hour), '20');
    assert.equal(mergedFreeBusy([{ start: from + 3 * hour, end: from + 4 * hour, busyType: 'Busy' }], from, from + 2 * hour, hour), '00');
  });

  it('never produces a digit for time nobody is busy in, whatever the spans (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ start: fc.integer({ min: 0, max: 48 }), length: fc.integer({ min: 1, max: 10 }) })), (raw) => {
        const spans = raw.map((r) => ({ start: r.start * hour, end: (r.start + r.length) * hour, busyType: 'Busy' as const }));
        const merged = mergedFreeBusy(spans, 0, 24 * hour, hour);
        assert.equal(merged.length, 24);
        for (let i = 0; i < 24; i++) {
          const busy = spans.some((s) => s.start < (i + 1) * hour && s.end > i * hour);
          assert.equal(merged[i], busy ? '2' : '0');
        }
      }),
    );
  });

  it('does not count cancelled, Free or NoData events as taking time', () => {
    assert.equal(blocksTime({ status: 'CONFIRMED', freeBusy: 'Busy' }), true);
    assert.equal(blocksTime({ status: 'TENTATIVE', freeBusy: 'Tentative' }), true);
    assert.equal(blocksTime({ status: 'CANCELLED', freeBusy: 'Busy' }), false);
    assert.equal(blocksTime({ status: 'CONFIRMED', freeBusy: 'Free' }), false);
    assert.equal(blocksTime({ status: 'CONFIRMED', freeBusy: 'NoData' }), false);
  });

  it('drops details from the view for times-only access and keeps it otherwise', () => {
    assert.equal(grantedView('Detailed', 'AvailabilityOnly'), 'FreeBusy');
    assert.equal(grantedView('DetailedMerged', 'AvailabilityOnly'), 'FreeBusyMerged');
    assert.equal(grantedView('MergedOnly', 'AvailabilityOnly'), 'MergedOnly');
    assert.equal(grantedView('Detailed', 'LimitedDetails'), 'Detailed');
  });
});

describe('calendar sharing', () => {
  const alice = 'a1';
  const sales = 'g1';
  it('uses the viewer’s own entry first, then the strongest group entry, then Default (AvailabilityOnly when unset)', () => {
    assert.deepEqual(decideCalendarSharing([], alice, new Set()), { role: 'AvailabilityOnly', access: 'AvailabilityOnly', via: { kind: 'Default' } });
    const entries = [
      { user: 'Default', role: 'None' as const },
      { user: sales, role: 'Reviewer' as const },
      { user: 'g2', role: 'Contributor' as const },
    ];
    assert.equal(decideCalendarSharing(entries, alice, new Set()).access, 'None');
    assert.deepEqual(decideCalendarSharing(entries, alice, new Set([sales, 'g2'])).via, { kind: 'Group', groupGuid: sales });
    assert.equal(decideCalendarSharing([...entries, { user: alice, role: 'None' }], alice, new Set([sales])).access, 'None');
  });

  it('maps roles to what free/busy shows, and refuses individual rights by name', () => {
    assert.deepEqual(['None', 'AvailabilityOnly', 'Contributor', 'LimitedDetails', 'Reviewer', 'Owner'].map((r) => freeBusyAccessOf(parseCalendarRole(r))), [
      'None', 'AvailabilityOnly', 'AvailabilityOnly', 'LimitedDetails', 'FullDetails', 'FullDetails',
    ]);
    assert.equal(parseCalendarRole('limiteddetails'), 'LimitedDetails');
    assert.throws(() => parseCalendarRole('FolderVisible'), (e: unknown) => e instanceof DeputyError && /individual folder right/.test(e.message));
  });
});

describe('legacy time zones', () => {
  it('derives W. Europe’s rules from Europe/Berlin and agrees with it every hour of the year', () => {
    const zone = legacyZoneOfIana('Europe/Berlin', 2027);
    assert.deepEqual(zone, {
      bias: -60,
      standard: { bias: 0, time: '03:00:00', dayOrder: 5, month: 10, dayOfWeek: 'Sunday' },
      daylight: { bias: -60, time: '02:00:00', dayOrder: 5, month: 3, dayOfWeek: 'Sunday' },
    });
    const legacy = legacyClock(zone);
    const iana = ianaClock('Europe/Berlin');
    for (let at = t('2027-01-01T00:00:00Z'); at < t('2028-01-01T00:00:00Z'); at += hour) assert.equal(legacy.offsetAt(at), iana.offsetAt(at), new Date(at).toISOString());
  });

  it('handles southern-hemisphere daylight time across the new year (Australia/Sydney) and zones without any (Asia/Kolkata)', () => {
    const sydney = legacyZoneOfIana('Australia/Sydney', 2027);
    assert.equal(sydney.bias, -600);
    const legacy = legacyClock(sydney);
    const iana = ianaClock('Australia/Sydney');
    for (let at = t('2027-01-01T00:00:00Z'); at < t('2028-01-01T00:00:00Z'); at += hour) assert.equal(legacy.offsetAt(at), iana.offsetAt(at), new Date(at).toISOString());
    const kolkata = legacyZoneOfIana('Asia/Kolkata', 2027);
    assert.deepEqual([kolkata.bias, kolkata.standard.month, kolkata.daylight.month], [-330, 0, 0]);
    assert.equal(legacyZoneOfIana('UTC', 2027).bias, utcLegacyZone.bias);
  });

  it('converts local wall times both ways, moving a time skipped by the spring change forward', () => {
    const berlin = legacyClock(legacyZoneOfIana('Europe/Berlin', 2027));
    assert.equal(new Date(utcOfLocal(berlin, { year: 2027, month: 3, day: 1, hour: 0, minute: 0, second: 0 })).toISOString(), '2027-02-28T23:00:00.000Z');
    assert.equal(new Date(utcOfLocal(berlin, { year: 2027, month: 7, day: 1, hour: 0, minute: 0, second: 0 })).toISOString(), '2027-06-30T22:00:00.000Z');
    assert.equal(localDateTime(berlin, utcOfLocal(berlin, { year: 2027, month: 3, day: 28, hour: 2, minute: 30, second: 0 })), '2027-03-28T03:30:00');
    assert.equal(localDateTime(berlin, t('2027-10-31T00:30:00Z')), '2027-10-31T02:30:00');
    assert.equal(localDateTime(berlin, t('2027-10-31T01:30:00Z')), '2027-10-31T02:30:00');
  });
});
