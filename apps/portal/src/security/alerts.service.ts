import { Inject, Injectable } from '@nestjs/common';
import type { LiveEntry, SecurityAlert } from '@campuspass/contracts';
import { AuditService } from '../admin/audit.service.js';
import { Clock } from '../identity/clock.js';
import { AlertsRepository, type AlertCursor, type AlertOccurrence, type AlertState } from './alerts.repository.js';
import { SecurityFeed } from './security-feed.js';
import { SECURITY_SETTINGS, type SecuritySettings } from './security-settings.js';
import { SecurityException } from './security.exception.js';
import { isForgedDenial } from './security.repository.js';

/** How many alerts one list answer holds at most (and by default). */
export const ALERT_LIST_LIMIT = 500;

const ALERT_CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeAlertCursor(cursor: AlertCursor): string {
  return Buffer.from(`${cursor.open ? 1 : 0}|${cursor.lastSeenAt}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeAlertCursor(text: string): AlertCursor {
  const [open, lastSeenAt, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (
    rest.length > 0 ||
    (open !== '0' && open !== '1') ||
    !lastSeenAt ||
    !ALERT_CURSOR_TIME.test(lastSeenAt) ||
    !id ||
    !/^[1-9]\d{0,15}$/.test(id)
  ) {
    throw new SecurityException(
      'security-query-invalid',
      'cursor is not one the alert list gave out. Pass the nextCursor of the previous page unchanged, or leave it out for the first page.',
    );
  }
  return { open: open === '1', lastSeenAt, id };
}

const key = (...parts: Array<string | null>) => parts.map((part) => part ?? '-').join('|');

/** A denial of a real pass (not of a forged or unreadable QR code): counted toward repeated denials. */
const countsAsDenial = (entry: LiveEntry) =>
  entry.decision === 'denied' && entry.passId !== null && !isForgedDenial(entry.decision, entry.reason);

/** Who acknowledges, for the audit log. */
export interface AlertActor {
  readonly staffId: string;
  readonly ip: string | null;
}

/**
 * Security alerts: raised from stored entries (forced passage, sensor faults, untrusted clocks, manual opens,
 * conflicts, repeated denials of a pass) and from the periodic check of gates' heartbeats (offline, clock, fire
 * input, outbox). Every alert raised or changed goes out on the live feed.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly feed: SecurityFeed,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(SECURITY_SETTINGS) private readonly settings: SecuritySettings,
  ) {}

  async list(
    state: AlertState,
    limit = ALERT_LIST_LIMIT,
    cursor?: string,
  ): Promise<{ alerts: SecurityAlert[]; nextCursor: string | null }> {
    const page = await this.repository.list(state, limit, cursor === undefined ? undefined : decodeAlertCursor(cursor));
    return { alerts: page.alerts, nextCursor: page.last ? encodeAlertCursor(page.last) : null };
  }

  async acknowledge(id: string, note: string, actor: AlertActor): Promise<SecurityAlert> {
    if (!/^[1-9]\d{0,15}$/.test(id)) throw new SecurityException('alert-not-found', `There is no alert ${id}. Reload the alerts.`);
    const result = await this.repository.acknowledge(id, actor.staffId, note, this.clock.now());
    if (result.status !== 'done') {
      if (result.status === 'not-found') throw new SecurityException('alert-not-found', `There is no alert ${id}. Reload the alerts.`);
      throw new SecurityException(
        'alert-already-acknowledged',
        'This alert was acknowledged already (perhaps by a colleague). Reload the alerts to see who did and their note.',
      );
    }
    await this.audit.record({
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'security.alert.acknowledge',
      targetType: 'security-alert',
      targetId: id,
      outcome: 'success',
      ip: actor.ip,
      details: { kind: result.alert.kind, gateId: result.alert.gateId, note },
    });
    await this.feed.publish({ type: 'alert', data: result.alert });
    return result.alert;
  }

  /**
   * Raises what these stored entries call for: one query for the repeated-denials counts of the batch, one statement
   * raising every alert, one read of them and one publish round trip, however many entries there are.
   */
  async raiseFromEntries(entries: readonly LiveEntry[]): Promise<void> {
    const denials = await this.denialCounts(entries);
    // Repeats within one batch (a gate's backlog after an outage) fold here: one row per alert key, not per entry.
    const byKey = new Map<string, AlertOccurrence & { times: number }>();
    entries.forEach((entry, index) => {
      for (const occurrence of this.occurrencesOf(entry, denials[index])) {
        const known = byKey.get(occurrence.dedupKey);
        if (!known) byKey.set(occurrence.dedupKey, { ...occurrence, times: 1 });
        else byKey.set(occurrence.dedupKey, { ...(occurrence.at >= known.at ? occurrence : known), times: known.times + 1 });
      }
    });
    if (byKey.size === 0) return;
    const ids = await this.repository.raiseAll([...byKey.values()]);
    const alerts = await this.repository.findAll(ids);
    await this.feed.publishAll(alerts.map((alert) => ({ type: 'alert' as const, data: alert })));
  }

  /** Denials of the pass up to each entry that counts toward repeated denials (undefined for the others). */
  private async denialCounts(entries: readonly LiveEntry[]): Promise<Array<number | undefined>> {
    const windowMs = this.settings.repeatedDenialsWindowMs;
    const asked: number[] = [];
    entries.forEach((entry, index) => {
      if (countsAsDenial(entry)) asked.push(index);
    });
    const counts: Array<number | undefined> = new Array<number | undefined>(entries.length);
    if (asked.length === 0) return counts;
    const found = await this.repository.denialsOfPasses(
      asked.map((index) => {
        const entry = entries[index]!;
        const at = new Date(entry.occurredAt);
        return { passId: entry.passId!, since: new Date(at.getTime() - windowMs), at, gateId: entry.gateId, eventId: entry.eventId };
      }),
    );
    asked.forEach((index, nth) => {
      counts[index] = found[nth];
    });
    return counts;
  }

  /**
   * The periodic check (run by the worker): gates offline longer than the threshold, and heartbeats reporting an
   * untrusted clock, an active fire input or a filling outbox. A condition that lasts stays one alert.
   */
  async checkGates(): Promise<number> {
    const now = this.clock.now();
    // An acknowledged condition seen again within two check intervals is the same condition still going on.
    const continuingSince = new Date(now.getTime() - 2 * this.settings.alertCheckIntervalMs - 5000);
    let raised = 0;
    for (const gate of await this.repository.gateConditions()) {
      const occurrences: AlertOccurrence[] = [];
      const base = { gateId: gate.gateId, passId: null, at: now };
      if (gate.lastContactAt && now.getTime() - gate.lastContactAt.getTime() > this.settings.gateOfflineAlertMs) {
        const minutes = Math.floor((now.getTime() - gate.lastContactAt.getTime()) / 60_000);
        occurrences.push({
          ...base,
          kind: 'gate-offline',
          severity: 'critical',
          message: `Gate ${gate.name} is offline: no heartbeat since ${gate.lastContactAt.toISOString()} (${minutes} min).`,
          dedupKey: key('gate-offline', gate.gateId),
        });
      }
      if (gate.clockTrusted === false) {
        occurrences.push({
          ...base,
          kind: 'clock-untrusted',
          severity: 'warning',
          message: `Gate ${gate.name} does not trust its clock: it denies scans until its time is synced.`,
          dedupKey: key('clock-untrusted', gate.gateId, 'heartbeat'),
        });
      }
      if (gate.fireInput === 'active') {
        occurrences.push({
          ...base,
          kind: 'fire-input',
          severity: 'critical',
          message: `Fire/panic input active at gate ${gate.name}: the turnstile is held free.`,
          dedupKey: key('fire-input', gate.gateId),
        });
      }
      if (gate.outboxFill !== null && gate.outboxFill >= this.settings.outboxFillAlert) {
        occurrences.push({
          ...base,
          kind: 'outbox-filling',
          severity: 'warning',
          message: `Gate ${gate.name}'s outbox is ${Math.round(gate.outboxFill * 100)}% full: its events are not reaching the portal.`,
          dedupKey: key('outbox-filling', gate.gateId),
        });
      }
      for (const occurrence of occurrences) {
        const id = await this.repository.raiseCondition(occurrence, continuingSince);
        if (id !== null) {
          raised++;
          await this.publish(id);
        }
      }
    }
    return raised;
  }

  private async publish(id: string): Promise<void> {
    const alert = await this.repository.find(id);
    if (alert) await this.feed.publish({ type: 'alert', data: alert });
  }

  /** `denials`: the pass's denials up to this entry (denialCounts), for a denial that counts toward repeated denials. */
  private occurrencesOf(entry: LiveEntry, denials: number | undefined): AlertOccurrence[] {
    const at = new Date(entry.occurredAt);
    const where = `at ${entry.gateName}`;
    const base = { gateId: entry.gateId, passId: null, at };
    const flags = new Set(entry.flags);
    const found: AlertOccurrence[] = [];
    if (entry.type === 'forced-passage') {
      found.push({
        ...base,
        kind: 'forced-passage',
        severity: 'critical',
        message: `Forced passage ${where}: the turnstile turned without a grant.`,
        dedupKey: key('forced-passage', entry.gateId),
      });
    }
    if (entry.type === 'sensor-fault' || entry.passage === 'sensor-fault') {
      found.push({
        ...base,
        kind: 'sensor-fault',
        severity: 'warning',
        message: `Passage sensor fault ${where}: passages are not being confirmed.`,
        dedupKey: key('sensor-fault', entry.gateId),
      });
    }
    if (flags.has('clock-untrusted')) {
      found.push({
        ...base,
        kind: 'clock-untrusted',
        severity: 'warning',
        message: `A decision ${where} was made while the gate did not trust its clock.`,
        dedupKey: key('clock-untrusted', entry.gateId),
      });
    }
    if (entry.type === 'manual-open' || flags.has('manual-open')) {
      found.push({
        ...base,
        kind: 'manual-open',
        severity: 'info',
        message: `Turnstile opened by hand ${where}${entry.operator ? ` by ${entry.operator}` : ''}.`,
        dedupKey: key('manual-open', entry.gateId),
      });
    }
    // Alerts a gate reported itself (its clock jumped, its outbox fills up).
    if (entry.type === 'alert' && (entry.reason === 'clock-skew' || entry.reason === 'clock-backwards')) {
      found.push({
        ...base,
        kind: 'clock-untrusted',
        severity: 'warning',
        message: `Gate ${entry.gateName} reported a clock problem (${entry.reason}).`,
        dedupKey: key('clock-untrusted', entry.gateId),
      });
    }
    if (entry.type === 'alert' && entry.reason === 'outbox-filling') {
      found.push({
        ...base,
        kind: 'outbox-filling',
        severity: 'warning',
        message: `Gate ${entry.gateName} reported its outbox filling up: its events are not reaching the portal.`,
        dedupKey: key('outbox-filling', entry.gateId, 'gate-event'),
      });
    }
    if (flags.has('revoked-before-scan')) {
      found.push({
        ...base,
        passId: entry.passId,
        kind: 'revoked-before-scan',
        severity: 'critical',
        message: `Pass ${entry.passId ?? '(unknown)'} was admitted offline ${where} although it had been revoked before the scan.`,
        dedupKey: key('revoked-before-scan', entry.gateId, entry.passId),
      });
    }
    if (flags.has('two-gates')) {
      found.push({
        ...base,
        passId: entry.passId,
        kind: 'two-gates',
        severity: 'warning',
        message: `Pass ${entry.passId ?? '(unknown)'} was admitted ${where} and at another gate within the re-entry window.`,
        dedupKey: key('two-gates', entry.gateId, entry.passId),
      });
    }
    if (isForgedDenial(entry.decision, entry.reason) && (entry.reason !== 'malformed' || entry.passId !== null)) {
      // Whoever made the code is unknown; the pass id in it may be a real person's, so the alert is the gate's.
      found.push({
        ...base,
        kind: 'forged-passes',
        severity: 'warning',
        message: `A QR code the portal did not sign was presented ${where} (${entry.reason}): possibly a forged or altered pass.`,
        dedupKey: key('forged-passes', entry.gateId),
      });
    } else if (countsAsDenial(entry) && denials !== undefined && denials >= this.settings.repeatedDenials) {
      const windowMs = this.settings.repeatedDenialsWindowMs;
      found.push({
        ...base,
        passId: entry.passId,
        kind: 'repeated-denials',
        severity: 'warning',
        message: `Pass ${entry.passId} was denied ${denials} times within ${Math.round(windowMs / 60_000)} minutes (latest ${where}: ${entry.reason ?? 'denied'}).`,
        dedupKey: key('repeated-denials', null, entry.passId),
      });
    }
    return found;
  }
}
