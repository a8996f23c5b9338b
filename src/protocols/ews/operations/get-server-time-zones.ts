// GetServerTimeZones: a handful of Windows time zones with full definitions (periods, transition
// groups, transitions), which free/busy requests need (exchangelib asks for UTC before every
// GetUserAvailability). ReturnFullTimeZoneData="false" gives ids and names only.
import { EwsError } from '../errors.ts';
import { messagesNs, typesNs } from '../namespaces.ts';
import { defineOperation, readBoolean, writeResponseMessages } from '../operation.ts';
import { auditMailboxAccess } from '../audit.ts';
import { child, children } from '../xml/parse.ts';
import { node, parent, type XmlNode } from '../shapes/xml-node.ts';
import { writeNode } from './define.ts';

type Weekday = 'Sunday' | 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday';

/** "The <occurrence>th <day> of <month> at <hour>:<minute> local time"; occurrence -1 is the last. */
interface Rule {
  month: number;
  day: Weekday;
  occurrence: number;
  hour: number;
  minute?: number;
}

/** Daylight saving time: an hour ahead of standard time between the two rules. */
interface Dst {
  start: Rule;
  end: Rule;
}

interface Zone {
  id: string;
  name: string;
  /** UTC offset of standard time, in minutes east of Greenwich. */
  offset: number;
  dst: Dst | null;
}

// Only the rules in force now, as one transitions group: ews-javascript-api 0.15.3 cannot read a
// definition with an AbsoluteDateTransition (its CompareTransitions sorts it before the initial
// Transition, then ToTimeZoneInfo reads a DateTime the initial one lacks), so historical rule
// changes such as the US one of 2007 are left out.
const sunday = 'Sunday';
const us: Dst = { start: { month: 3, day: sunday, occurrence: 2, hour: 2 }, end: { month: 11, day: sunday, occurrence: 1, hour: 2 } };
const eu = (startHour: number, endHour: number): Dst => ({ start: { month: 3, day: sunday, occurrence: -1, hour: startHour }, end: { month: 10, day: sunday, occurrence: -1, hour: endHour } });

export const serverTimeZones: readonly Zone[] = [
  { id: 'UTC', name: '(UTC) Coordinated Universal Time', offset: 0, dst: null },
  { id: 'GMT Standard Time', name: '(UTC+00:00) Dublin, Edinburgh, Lisbon, London', offset: 0, dst: eu(1, 2) },
  { id: 'W. Europe Standard Time', name: '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna', offset: 60, dst: eu(2, 3) },
  { id: 'Central Europe Standard Time', name: '(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague', offset: 60, dst: eu(2, 3) },
  { id: 'Romance Standard Time', name: '(UTC+01:00) Brussels, Copenhagen, Madrid, Paris', offset: 60, dst: eu(2, 3) },
  { id: 'India Standard Time', name: '(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi', offset: 330, dst: null },
  { id: 'Tokyo Standard Time', name: '(UTC+09:00) Osaka, Sapporo, Tokyo', offset: 540, dst: null },
  {
    id: 'AUS Eastern Standard Time',
    name: '(UTC+10:00) Canberra, Melbourne, Sydney',
    offset: 600,
    dst: { start: { month: 10, day: sunday, occurrence: 1, hour: 2 }, end: { month: 4, day: sunday, occurrence: 1, hour: 3 } },
  },
  { id: 'Eastern Standard Time', name: '(UTC-05:00) Eastern Time (US & Canada)', offset: -300, dst: us },
  { id: 'Central Standard Time', name: '(UTC-06:00) Central Time (US & Canada)', offset: -360, dst: us },
  { id: 'Mountain Standard Time', name: '(UTC-07:00) Mountain Time (US & Canada)', offset: -420, dst: us },
  { id: 'Pacific Standard Time', name: '(UTC-08:00) Pacific Time (US & Canada)', offset: -480, dst: us },
];

export const getServerTimeZones = defineOperation({
  name: 'GetServerTimeZones',
  async run(ctx, request, out) {
    const full = readBoolean(request.attrs.ReturnFullTimeZoneData, true);
    const idsEl = child(request, messagesNs, 'Ids');
    const wanted = idsEl ? children(idsEl, typesNs, 'Id').map((e) => e.text.trim()) : null;
    const unknown = wanted?.filter((id) => !serverTimeZones.some((z) => z.id.toLowerCase() === id.toLowerCase())) ?? [];
    await auditMailboxAccess(ctx.runtime, ctx, { operation: 'GetServerTimeZones', result: 'Succeeded' });
    if (unknown.length) {
      const error = new EwsError('ErrorTimeZone', `The time zone${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `'${id}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not known to this server. Known: ${serverTimeZones.map((z) => z.id).join(', ')}.`);
      // TimeZoneDefinitions is required even in an error message.
      writeResponseMessages(out, 'GetServerTimeZones', [{ ok: false, error, write: (w) => w.leaf('m:TimeZoneDefinitions') }]);
      return;
    }
    const zones = wanted ? wanted.map((id) => serverTimeZones.find((z) => z.id.toLowerCase() === id.toLowerCase())!) : serverTimeZones;
    writeResponseMessages(out, 'GetServerTimeZones', [
      {
        ok: true,
        write: (w) => {
          w.open('m:TimeZoneDefinitions');
          for (const zone of zones) writeNode(w, timeZoneNode(zone, full));
          w.close();
        },
      },
    ]);
  },
});

/** Exchange's duration form; Bias is minutes to add to local time to get UTC (so west of Greenwich is positive). */
export function duration(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(minutes);
  return `${sign}P0DT${Math.floor(m / 60)}H${m % 60}M0.0S`;
}

/** A t:TimeZoneDefinition; `full` adds the periods and transitions (what clients need to convert times). */
function timeZoneNode(zone: Zone, full: boolean): XmlNode {
  const attrs = { Id: zone.id, Name: zone.name };
  if (!full) return node('t:TimeZoneDefinition', undefined, attrs);
  const periods = [node('t:Period', undefined, { Bias: duration(-zone.offset), Name: 'Standard', Id: 'Std' })];
  if (zone.dst) periods.push(node('t:Period', undefined, { Bias: duration(-(zone.offset + 60)), Name: 'Daylight', Id: 'Dlt' }));
  const group = zone.dst ? [recurringTransition('Dlt', zone.dst.start), recurringTransition('Std', zone.dst.end)] : [parent('t:Transition', [node('t:To', 'Std', { Kind: 'Period' })])];
  return parent(
    't:TimeZoneDefinition',
    [parent('t:Periods', periods), parent('t:TransitionsGroups', [parent('t:TransitionsGroup', group, { Id: '0' })]), parent('t:Transitions', [parent('t:Transition', [node('t:To', '0', { Kind: 'Group' })])])],
    attrs,
  );
}

function recurringTransition(to: string, rule: Rule): XmlNode {
  return parent('t:RecurringDayTransition', [
    node('t:To', to, { Kind: 'Period' }),
    node('t:TimeOffset', duration(rule.hour * 60 + (rule.minute ?? 0))),
    node('t:Month', rule.month),
    node('t:DayOfWeek', rule.day),
    node('t:Occurrence', rule.occurrence),
  ]);
}

/** The full definition of a Windows zone this server knows, under another element name (e.g. t:StartTimeZone); null for others. */
export function timeZoneDefinition(elementName: string, windowsId: string): XmlNode | null {
  const zone = serverTimeZones.find((z) => z.id === windowsId);
  return zone ? { ...timeZoneNode(zone, true), name: elementName } : null;
}
