// The availability service's wire shapes: the legacy t:TimeZone (t:SerializableTimeZone) read
// from requests and written in working hours, and the t:FreeBusyView of one mailbox.
import { DeputyError } from '../../../core/errors.ts';
import type { FreeBusyView } from '../../../core/calendar/free-busy.ts';
import { localDateTime, type LegacyTimeZone, type LegacyTransition, type ZoneClock } from '../../../core/calendar/legacy-time-zone.ts';
import { weekdays, type WorkingHours } from '../../../core/calendar/working-hours.ts';
import type { BusySlot } from '../../../services/calendar/free-busy.ts';
import { encodeIdAs } from '../ids.ts';
import { childIn, node, parent, type XmlIn, type XmlNode } from './xml-node.ts';

const badZone = (message: string) => new DeputyError('InvalidArgument', `The request's TimeZone is invalid: ${message}`, { ewsCode: 'ErrorTimeZone' });

function integer(el: XmlIn | undefined, name: string, min: number, max: number): number {
  const text = childIn(el, name)?.text.trim() ?? '';
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max) throw badZone(`${name} must be a whole number from ${min} to ${max}, not '${text}'.`);
  return value;
}

function transition(el: XmlIn | undefined, name: string): LegacyTransition {
  if (!el) throw badZone(`${name} is missing.`);
  const time = childIn(el, 'Time')?.text.trim() ?? '';
  if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(time)) throw badZone(`${name}/Time must be HH:MM:SS, not '${time}'.`);
  const day = childIn(el, 'DayOfWeek')?.text.trim() ?? '';
  const dayOfWeek = weekdays.find((d) => d === day);
  if (!dayOfWeek) throw badZone(`${name}/DayOfWeek must be a day name (Sunday … Saturday), not '${day}'.`);
  return { bias: integer(el, 'Bias', -1440, 1440), time, dayOrder: integer(el, 'DayOrder', 0, 5), month: integer(el, 'Month', 0, 12), dayOfWeek };
}

/** A t:TimeZone element (Bias, StandardTime, DaylightTime); anything unusable is ErrorTimeZone. */
export function readLegacyTimeZone(el: XmlIn): LegacyTimeZone {
  const zone: LegacyTimeZone = { bias: integer(el, 'Bias', -1440, 1440), standard: transition(childIn(el, 'StandardTime'), 'StandardTime'), daylight: transition(childIn(el, 'DaylightTime'), 'DaylightTime') };
  if ((zone.standard.month === 0) !== (zone.daylight.month === 0)) throw badZone('StandardTime and DaylightTime must both have a Month, or both have Month 0 (no daylight saving time).');
  for (const t of [zone.standard, zone.daylight]) if (t.month !== 0 && t.dayOrder === 0) throw badZone('a transition with a Month needs a DayOrder from 1 to 5.');
  return zone;
}

const transitionNode = (name: string, t: LegacyTransition): XmlNode =>
  parent(name, [node('t:Bias', t.bias), node('t:Time', t.time), node('t:DayOrder', t.dayOrder), node('t:Month', t.month), node('t:DayOfWeek', t.dayOfWeek)]);

export function legacyTimeZoneNode(name: string, zone: LegacyTimeZone): XmlNode {
  return parent(name, [node('t:Bias', zone.bias), transitionNode('t:StandardTime', zone.standard), transitionNode('t:DaylightTime', zone.daylight)]);
}

export function workingHoursNode(hours: WorkingHours, zone: LegacyTimeZone): XmlNode {
  const periods = hours.days.length
    ? [parent('t:WorkingPeriod', [node('t:DayOfWeek', hours.days.join(' ')), node('t:StartTimeInMinutes', hours.startMinutes), node('t:EndTimeInMinutes', hours.endMinutes)])]
    : [];
  return parent('t:WorkingHours', [legacyTimeZoneNode('t:TimeZone', zone), parent('t:WorkingPeriodArray', periods)]);
}

/** What a FreeBusyView of one mailbox shows; `details` is how much of each event. */
export interface FreeBusyViewContent {
  view: FreeBusyView | 'None';
  merged?: { spans: string };
  slots?: readonly BusySlot[];
  /** 'limited': subject and location; 'full': also the item id; private events show neither unless `seesPrivate`. */
  details: 'none' | 'limited' | 'full';
  seesPrivate: boolean;
  clock: ZoneClock;
  workingHours?: XmlNode;
}

export function freeBusyViewNode(c: FreeBusyViewContent): XmlNode {
  const children: XmlNode[] = [node('t:FreeBusyViewType', c.view)];
  if (c.merged) children.push(node('t:MergedFreeBusy', c.merged.spans));
  if (c.slots) children.push(parent('t:CalendarEventArray', c.slots.map((s) => calendarEventNode(s, c))));
  if (c.workingHours) children.push(c.workingHours);
  return parent('m:FreeBusyView', children);
}

function calendarEventNode(slot: BusySlot, c: FreeBusyViewContent): XmlNode {
  const children = [node('t:StartTime', localDateTime(c.clock, slot.start)), node('t:EndTime', localDateTime(c.clock, slot.end)), node('t:BusyType', slot.busyType)];
  if (c.details !== 'none') {
    const shown = !slot.isPrivate || c.seesPrivate;
    children.push(
      parent('t:CalendarEventDetails', [
        ...(shown && c.details === 'full' ? [node('t:ID', encodeIdAs('HexEntryId', { kind: 'item', uuid: slot.itemId }))] : []),
        ...(shown ? [node('t:Subject', slot.subject), node('t:Location', slot.location)] : []),
        node('t:IsMeeting', slot.isMeeting),
        node('t:IsRecurring', slot.isRecurring),
        node('t:IsException', slot.isException),
        node('t:IsReminderSet', slot.isReminderSet),
        node('t:IsPrivate', slot.isPrivate),
      ]),
    );
  }
  return parent('t:CalendarEvent', children);
}
