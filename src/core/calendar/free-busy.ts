// Free/busy from calendar occurrences: which ones block time, and the merged view (one digit per
// interval: 0 free, 1 tentative, 2 busy, 3 OOF, 4 working elsewhere, 5 no data).
import type { CalendarEvent, FreeBusyStatus } from './icalendar.ts';
import type { FreeBusyAccess } from './sharing.ts';

/** A stretch of time shown with one status (UTC ms). */
export interface BusySpan {
  start: number;
  end: number;
  busyType: FreeBusyStatus;
}

export const freeBusyDigit: Record<FreeBusyStatus, string> = { Free: '0', Tentative: '1', Busy: '2', OOF: '3', WorkingElsewhere: '4', NoData: '5' };

/**
 * Which status shows when several overlap. By how firmly the time is taken, not by digit value:
 * someone out of office is not "working elsewhere" because a working-elsewhere block overlaps.
 */
const strength: Record<FreeBusyStatus, number> = { NoData: -1, Free: 0, WorkingElsewhere: 1, Tentative: 2, Busy: 3, OOF: 4 };

/**
 * Whether an event takes time in free/busy: cancelled events and Free ones do not (as in
 * Exchange's availability answers, which leave them out), nor do events whose status is unknown.
 */
export function blocksTime(event: Pick<CalendarEvent, 'status' | 'freeBusy'>): boolean {
  return event.status !== 'CANCELLED' && event.freeBusy !== 'Free' && event.freeBusy !== 'NoData';
}

/**
 * The merged free/busy string of [from, to) in intervals of `intervalMs` (the last one may be
 * cut short by the window's end): each interval shows the strongest status overlapping it.
 */
export function mergedFreeBusy(spans: readonly BusySpan[], from: number, to: number, intervalMs: number): string {
  const count = Math.ceil((to - from) / intervalMs);
  const best: FreeBusyStatus[] = new Array<FreeBusyStatus>(count).fill('Free');
  for (const span of spans) {
    if (span.end <= span.start) continue;
    const first = Math.max(0, Math.floor((span.start - from) / intervalMs));
    const last = Math.min(count - 1, Math.ceil((span.end - from) / intervalMs) - 1);
    for (let i = first; i <= last; i++) {
      if (strength[span.busyType] > strength[best[i]]) best[i] = span.busyType;
    }
  }
  return best.map((s) => freeBusyDigit[s]).join('');
}

/** The views a free/busy request may ask for (t:FreeBusyViewType without 'None', which asks for nothing). */
export const freeBusyViews = ['MergedOnly', 'FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged'] as const;
export type FreeBusyView = (typeof freeBusyViews)[number];

export const viewHasMerged = (view: FreeBusyView) => view === 'MergedOnly' || view.endsWith('Merged');
export const viewHasEvents = (view: FreeBusyView) => view !== 'MergedOnly';
export const viewHasDetails = (view: FreeBusyView) => view.startsWith('Detailed');

/**
 * The view a caller gets: what it asked for, with details dropped when its access shows times only
 * (as Exchange answers a Detailed request with FreeBusy, saying so in FreeBusyViewType).
 */
export function grantedView(requested: FreeBusyView, access: FreeBusyAccess): FreeBusyView {
  if (access !== 'AvailabilityOnly') return requested;
  if (requested === 'Detailed') return 'FreeBusy';
  if (requested === 'DetailedMerged') return 'FreeBusyMerged';
  return requested;
}
