import type { GateTile, LiveEntry, SecurityAlert } from '@campuspass/contracts';

/** How many entries the live feed keeps: enough for a control-room screen, cheap to render many times a second. */
export const FEED_CAP = 150;

/** Newest first by when it happened at the gate; same instant: the gate's later sequence first, then a stable id order. */
export function compareEntries(a: LiveEntry, b: LiveEntry): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? 1 : -1;
  if (a.gateId === b.gateId && a.sequence !== b.sequence) return b.sequence - a.sequence;
  return a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0;
}

/**
 * The feed after `incoming` arrived: one row per event (a repeated delivery replaces the row), newest first, at most
 * `cap` rows. Events a gate sends late after an outage sort by when they happened, so they never push today's entries off.
 */
export function mergeEntries(current: readonly LiveEntry[], incoming: readonly LiveEntry[], cap = FEED_CAP): LiveEntry[] {
  if (incoming.length === 0) return current.slice(0, cap);
  const byId = new Map<string, LiveEntry>();
  for (const entry of current) byId.set(entry.eventId, entry);
  for (const entry of incoming) byId.set(entry.eventId, entry);
  return [...byId.values()].sort(compareEntries).slice(0, cap);
}

/**
 * The tiles with each gate's last scan brought up to the live feed: the tiles are polled every few seconds, the feed is
 * live, and a tile must not say "no scan" under a feed that shows one. Same array when nothing is newer.
 */
export function withFeedScans(gates: readonly GateTile[] | undefined, entries: readonly LiveEntry[]): readonly GateTile[] | undefined {
  if (!gates) return gates;
  const latest = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type !== 'scan') continue;
    const seen = latest.get(entry.gateId);
    if (seen === undefined || Date.parse(entry.occurredAt) > Date.parse(seen)) latest.set(entry.gateId, entry.occurredAt);
  }
  let changed = false;
  const merged = gates.map((gate) => {
    const fromFeed = latest.get(gate.gateId);
    if (fromFeed === undefined || (gate.lastEntryAt !== null && Date.parse(gate.lastEntryAt) >= Date.parse(fromFeed))) return gate;
    changed = true;
    return { ...gate, lastEntryAt: fromFeed };
  });
  return changed ? merged : gates;
}

const SEVERITY_RANK: Record<SecurityAlert['severity'], number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first, then the most recently seen. */
export function compareAlerts(a: SecurityAlert, b: SecurityAlert): number {
  const rank = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (rank !== 0) return rank;
  return a.lastSeenAt < b.lastSeenAt ? 1 : a.lastSeenAt > b.lastSeenAt ? -1 : 0;
}

/**
 * The open alerts after changes arrived (from the feed or an acknowledgement): an alert replaces its older state by
 * id, an acknowledged one leaves the list.
 */
export function mergeOpenAlerts(current: readonly SecurityAlert[], changes: readonly SecurityAlert[]): SecurityAlert[] {
  const byId = new Map<string, SecurityAlert>();
  for (const alert of current) byId.set(alert.id, alert);
  for (const alert of changes) {
    const known = byId.get(alert.id);
    // An older state arriving after a newer one (a slow feed after a fresh load) does not undo it.
    if (known && known.acknowledgedAt && !alert.acknowledgedAt) continue;
    byId.set(alert.id, alert);
  }
  return [...byId.values()].filter((alert) => alert.acknowledgedAt === null).sort(compareAlerts);
}

export type Schedule = (run: () => void) => number;
export type CancelSchedule = (handle: number) => void;

/**
 * Collects items arriving many times a second (a backlog draining) and hands them over at most once per animation
 * frame, so React renders once per frame, not once per event. While the page is hidden no frame comes: `compact`
 * keeps the buffer bounded meanwhile (e.g. merge and cap it) once it holds more than `compactAbove` items.
 */
export class FrameBatcher<T> {
  private buffer: T[] = [];
  private handle: number | undefined;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: Schedule,
    private readonly cancelSchedule: CancelSchedule,
    private readonly compact: (items: T[]) => T[] = (items) => items,
    private readonly compactAbove = Number.POSITIVE_INFINITY,
  ) {}

  push(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length > this.compactAbove) this.buffer = this.compact(this.buffer);
    if (this.handle === undefined) this.handle = this.schedule(() => this.run());
  }

  /** Items waiting for the next frame. */
  get pending(): number {
    return this.buffer.length;
  }

  stop(): void {
    if (this.handle !== undefined) this.cancelSchedule(this.handle);
    this.handle = undefined;
    this.buffer = [];
  }

  private run(): void {
    this.handle = undefined;
    const items = this.buffer;
    this.buffer = [];
    if (items.length > 0) this.flush(items);
  }
}
