import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AlertKind, SecurityAlert } from '@campuspass/contracts';

export type AlertSeverity = SecurityAlert['severity'];
export type AlertState = 'open' | 'acknowledged' | 'all';

/** One occurrence of something security staff must see. */
export interface AlertOccurrence {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly gateId: string | null;
  /** 32 hex digits or a uuid. */
  readonly passId: string | null;
  readonly message: string;
  /** Occurrences with one key fold into one open alert. */
  readonly dedupKey: string;
  readonly at: Date;
  /** How many occurrences this stands for (a batch of stored entries folds its repeats before raising); 1 by default. */
  readonly times?: number;
}

/** A gate as the periodic check sees it: its latest heartbeat, or when it last made contact at all. */
export interface GateCondition {
  readonly gateId: string;
  readonly name: string;
  /** Latest heartbeat, else enrollment; null for a gate that never made contact. */
  readonly lastContactAt: Date | null;
  readonly clockTrusted: boolean | null;
  readonly fireInput: string | null;
  readonly outboxFill: number | null;
}

const ALERT_SELECT = `
  SELECT a.id::text AS id, a.kind, a.severity, a.gate_id, g.name AS gate_name, replace(a.pass_id::text, '-', '') AS pass_id, a.message,
         a.raised_at, a.last_seen_at, a.count, a.acknowledged_at, s.name AS acknowledged_by, a.note,
         to_char(a.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_seen_key
    FROM security_alert a
    LEFT JOIN gate g ON g.id = a.gate_id
    LEFT JOIN staff_account s ON s.id = a.acknowledged_by`;

interface AlertRow {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  gate_id: string | null;
  gate_name: string | null;
  pass_id: string | null;
  message: string;
  raised_at: Date;
  last_seen_at: Date;
  count: number;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  note: string | null;
  last_seen_key: string;
}

/** Position in the list order (open first, latest occurrence first, id), for keyset paging. */
export interface AlertCursor {
  readonly open: boolean;
  /** last_seen_at to the microsecond, ISO. */
  readonly lastSeenAt: string;
  readonly id: string;
}

function mapAlert(row: AlertRow): SecurityAlert {
  return {
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    gateId: row.gate_id,
    gateName: row.gate_name,
    passId: row.pass_id,
    message: row.message,
    raisedAt: row.raised_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    count: row.count,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    note: row.note,
  };
}

/** Byte order of keys (as PostgreSQL's "C" collation would sort them), for a lock order every worker shares. */
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type AcknowledgeResult = { readonly status: 'done'; readonly alert: SecurityAlert } | { readonly status: 'not-found' | 'already' };

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Opens an alert, or folds the occurrence into the open alert of the same key (count + times, last seen). One
   * statement on the partial unique index: concurrent workers raising the same alert make one row.
   */
  async raise(occurrence: AlertOccurrence): Promise<string> {
    const rows = (await this.dataSource.query(
      `INSERT INTO security_alert (kind, severity, gate_id, pass_id, message, dedup_key, raised_at, last_seen_at, count)
       VALUES ($1, $2, $3, $4::uuid, $5, $6, $7, $7, $8)
       ON CONFLICT (dedup_key) WHERE acknowledged_at IS NULL DO UPDATE
         SET count = security_alert.count + EXCLUDED.count,
             last_seen_at = greatest(security_alert.last_seen_at, EXCLUDED.last_seen_at),
             message = EXCLUDED.message
       RETURNING id::text AS id`,
      [
        occurrence.kind,
        occurrence.severity,
        occurrence.gateId,
        occurrence.passId,
        occurrence.message,
        occurrence.dedupKey,
        occurrence.at,
        occurrence.times ?? 1,
      ],
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }

  /**
   * `raise` for several occurrences (distinct keys) in one statement; the ids come in the order of `occurrences`.
   * Rows are locked in key order, so two workers raising overlapping sets cannot deadlock.
   */
  async raiseAll(occurrences: readonly AlertOccurrence[]): Promise<string[]> {
    if (occurrences.length === 0) return [];
    const order = occurrences
      .map((_occurrence, index) => index)
      .sort((a, b) => compareKeys(occurrences[a]!.dedupKey, occurrences[b]!.dedupKey));
    const sorted = order.map((index) => occurrences[index]!);
    const rows = (await this.dataSource.query(
      `INSERT INTO security_alert (kind, severity, gate_id, pass_id, message, dedup_key, raised_at, last_seen_at, count)
       SELECT o.kind, o.severity, o.gate_id, o.pass_id, o.message, o.dedup_key, o.at, o.at, o.times
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::int[])
              WITH ORDINALITY AS o (kind, severity, gate_id, pass_id, message, dedup_key, at, times, n)
        ORDER BY o.n
       ON CONFLICT (dedup_key) WHERE acknowledged_at IS NULL DO UPDATE
         SET count = security_alert.count + EXCLUDED.count,
             last_seen_at = greatest(security_alert.last_seen_at, EXCLUDED.last_seen_at),
             message = EXCLUDED.message
       RETURNING id::text AS id, dedup_key`,
      [
        sorted.map((occurrence) => occurrence.kind),
        sorted.map((occurrence) => occurrence.severity),
        sorted.map((occurrence) => occurrence.gateId),
        sorted.map((occurrence) => occurrence.passId),
        sorted.map((occurrence) => occurrence.message),
        sorted.map((occurrence) => occurrence.dedupKey),
        sorted.map((occurrence) => occurrence.at),
        sorted.map((occurrence) => occurrence.times ?? 1),
      ],
    )) as Array<{ id: string; dedup_key: string }>;
    const idByKey = new Map(rows.map((row) => [row.dedup_key, row.id]));
    return occurrences.map((occurrence) => idByKey.get(occurrence.dedupKey)!);
  }

  /**
   * A condition that lasts (a gate offline, its fire input active) is one alert however often the check sees it:
   * the open alert of the key, or an acknowledged one last seen since `continuingSince`, only has `last_seen_at`
   * moved. Otherwise a new alert opens. Returns the new alert's id, or null when the condition was known already.
   */
  async raiseCondition(occurrence: AlertOccurrence, continuingSince: Date): Promise<string | null> {
    return this.dataSource.transaction(async (manager) => {
      // Serialises checks of one key across workers (the lock ends with the transaction).
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7340))`, [occurrence.dedupKey]);
      const touched = (await manager.query(
        `UPDATE security_alert SET last_seen_at = greatest(last_seen_at, $2)
          WHERE id = (SELECT id FROM security_alert WHERE dedup_key = $1 AND (acknowledged_at IS NULL OR last_seen_at >= $3)
                       ORDER BY (acknowledged_at IS NULL) DESC, id DESC LIMIT 1)
          RETURNING id`,
        [occurrence.dedupKey, occurrence.at, continuingSince],
      )) as [unknown[], number];
      if (touched[0].length > 0) return null;
      const rows = (await manager.query(
        `INSERT INTO security_alert (kind, severity, gate_id, pass_id, message, dedup_key, raised_at, last_seen_at)
         VALUES ($1, $2, $3, $4::uuid, $5, $6, $7, $7)
         ON CONFLICT (dedup_key) WHERE acknowledged_at IS NULL DO UPDATE SET last_seen_at = greatest(security_alert.last_seen_at, EXCLUDED.last_seen_at)
         RETURNING id::text AS id`,
        [
          occurrence.kind,
          occurrence.severity,
          occurrence.gateId,
          occurrence.passId,
          occurrence.message,
          occurrence.dedupKey,
          occurrence.at,
        ],
      )) as Array<{ id: string }>;
      return rows[0]!.id;
    });
  }

  async find(id: string): Promise<SecurityAlert | null> {
    const rows = (await this.dataSource.query(`${ALERT_SELECT} WHERE a.id = $1`, [id])) as AlertRow[];
    return rows[0] ? mapAlert(rows[0]) : null;
  }

  /** The alerts with these ids, in the order of `ids` (missing ones left out). */
  async findAll(ids: readonly string[]): Promise<SecurityAlert[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `${ALERT_SELECT} JOIN unnest($1::bigint[]) WITH ORDINALITY AS k (id, n) ON k.id = a.id ORDER BY k.n`,
      [ids],
    )) as AlertRow[];
    return rows.map(mapAlert);
  }

  /** Open alerts first (latest occurrence first), then acknowledged ones; at most `limit`, after `after` when given. */
  async list(state: AlertState, limit: number, after?: AlertCursor): Promise<{ alerts: SecurityAlert[]; last: AlertCursor | null }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [limit + 1];
    if (state === 'open') conditions.push('a.acknowledged_at IS NULL');
    if (state === 'acknowledged') conditions.push('a.acknowledged_at IS NOT NULL');
    if (after) {
      parameters.push(after.open ? 1 : 0, after.lastSeenAt, after.id);
      conditions.push(`((a.acknowledged_at IS NULL)::int, a.last_seen_at, a.id) < ($2::int, $3::timestamptz, $4::bigint)`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(
      `${ALERT_SELECT} ${where} ORDER BY (a.acknowledged_at IS NULL) DESC, a.last_seen_at DESC, a.id DESC LIMIT $1`,
      parameters,
    )) as AlertRow[];
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1]! : null;
    return {
      alerts: page.map(mapAlert),
      last: last ? { open: last.acknowledged_at === null, lastSeenAt: last.last_seen_key, id: last.id } : null,
    };
  }

  /** Acknowledges an open alert; 'already' when someone acknowledged it first (the row lock decides). */
  async acknowledge(id: string, staffId: string, note: string, now: Date): Promise<AcknowledgeResult> {
    const updated = (await this.dataSource.query(
      `UPDATE security_alert SET acknowledged_at = $3, acknowledged_by = $2, note = $4 WHERE id = $1 AND acknowledged_at IS NULL RETURNING id`,
      [id, staffId, now, note],
    )) as [unknown[], number];
    if (updated[0].length === 0) return (await this.find(id)) ? { status: 'already' } : { status: 'not-found' };
    return { status: 'done', alert: (await this.find(id))! };
  }

  /**
   * Denials of this pass (any gate, handheld included; not those of forged QR codes naming it) from `since` up to and including this entry, in the order
   * (occurred_at, gate, event id): each denial of a burst stored at once counts only those before it.
   */
  async denialsOfPass(passId: string, since: Date, upTo: { at: Date; gateId: string; eventId: string }): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM gate_event
        WHERE pass_id = $1::uuid AND decision = 'denied' AND occurred_at >= $2
          AND reason NOT IN ('unknown-key', 'bad-signature', 'key-not-valid-for-day', 'malformed')
          AND (occurred_at, gate_id, event_id) <= ($3::timestamptz, $4::uuid, $5::uuid)`,
      [passId, since, upTo.at, upTo.gateId, upTo.eventId],
    )) as Array<{ n: number }>;
    return rows[0]!.n;
  }

  /**
   * `denialsOfPass` for several entries in one statement (one probe of the pass index each); counts in the order of
   * `entries`.
   */
  async denialsOfPasses(
    entries: ReadonlyArray<{ passId: string; since: Date; at: Date; gateId: string; eventId: string }>,
  ): Promise<number[]> {
    if (entries.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT k.n::int AS n, d.count::int AS count
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::uuid[], $5::uuid[]) WITH ORDINALITY
              AS k (pass_id, since, at, gate_id, event_id, n)
         CROSS JOIN LATERAL (
           SELECT count(*) AS count FROM gate_event
            WHERE pass_id = k.pass_id AND decision = 'denied' AND occurred_at >= k.since
              AND reason NOT IN ('unknown-key', 'bad-signature', 'key-not-valid-for-day', 'malformed')
              AND (occurred_at, gate_id, event_id) <= (k.at, k.gate_id, k.event_id)) d
        ORDER BY k.n`,
      [
        entries.map((entry) => entry.passId),
        entries.map((entry) => entry.since),
        entries.map((entry) => entry.at),
        entries.map((entry) => entry.gateId),
        entries.map((entry) => entry.eventId),
      ],
    )) as Array<{ n: number; count: number }>;
    return rows.map((row) => row.count);
  }

  /** Active turnstile gates with their latest heartbeat, for the periodic check. */
  async gateConditions(): Promise<GateCondition[]> {
    const rows = (await this.dataSource.query(
      `SELECT g.id, g.name, coalesce(s.received_at, g.enrolled_at) AS last_contact_at, s.clock_trusted, s.fire_input, s.outbox_fill
         FROM gate g LEFT JOIN gate_status s ON s.gate_id = g.id
        WHERE g.kind = 'turnstile' AND g.status = 'active'`,
    )) as Array<{
      id: string;
      name: string;
      last_contact_at: Date | null;
      clock_trusted: boolean | null;
      fire_input: string | null;
      outbox_fill: number | null;
    }>;
    return rows.map((row) => ({
      gateId: row.id,
      name: row.name,
      lastContactAt: row.last_contact_at,
      clockTrusted: row.clock_trusted,
      fireInput: row.fire_input,
      outboxFill: row.outbox_fill,
    }));
  }
}
