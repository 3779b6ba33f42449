import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EntryFlag, GateEvent, SignedGateEvent } from '@campuspass/contracts';

/** Conflict flags the ingest worker sets on a stored event, for security staff (ENTRY_FLAGS, in that order). */
export type GateEventFlag = Extract<EntryFlag, 'gate-revoked' | 'revoked-before-scan' | 'two-gates' | 'clock-untrusted' | 'manual-open'>;

/** A stored gate event, as tests and (later) the dashboards read it. */
export interface StoredGateEvent {
  readonly eventId: string;
  readonly gateId: string;
  readonly sequence: number;
  readonly type: GateEvent['type'];
  readonly decision: GateEvent['decision'];
  readonly reason: string | null;
  readonly passId: string | null;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
  readonly flags: readonly string[];
}

/** One verified event of a batch: the signed job data, the event it carries and the lower-case id of its gate. */
export interface BatchEvent {
  readonly gateId: string;
  readonly eventId: string;
  readonly event: GateEvent;
  readonly signed: SignedGateEvent;
}

/** What the batch insert did with one event. */
export type BatchInsertOutcome =
  | { readonly kind: 'stored'; readonly flags: readonly string[] }
  /** Stored before (by an earlier delivery, or under a reused id): the payload stored then. */
  | { readonly kind: 'exists'; readonly storedPayload: string }
  /** Neither stored nor found (the gate row is gone). */
  | { readonly kind: 'missing' };

/** A dead letter as written: the job as it came, bounded. */
export interface NewDeadLetter {
  readonly jobId: string | null;
  readonly gateId: string | null;
  readonly reason: string;
  readonly data: string;
  readonly receivedAt: Date;
}

export interface DeadLetterRow {
  readonly id: string;
  readonly job_id: string | null;
  readonly gate_id: string | null;
  readonly reason: string;
  readonly received_at: Date;
}

/** Bounds of a dead letter's columns (the job data is whatever a sender put on the queue). */
export const DEAD_LETTER_LIMITS = { jobId: 200, gateId: 100, reason: 2000, data: 16_384 } as const;

/** Key space of the per-pass advisory locks of the batch insert (first key of the two-key form): "CPGE". */
const PASS_LOCK_SPACE = 0x43504745;

/**
 * The batch insert. The events' columns are read from the signed payloads in SQL (they were verified and validated
 * against the contract first), so a batch is three arrays however large it is.
 */
const INSERT_BATCH_SQL = `
WITH input AS (
  SELECT i.ord::int AS ord, i.gate_id::uuid AS gate_id, i.payload, decode(i.signature, 'base64') AS signature, i.payload::jsonb AS e
    FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS i (gate_id, payload, signature, ord)
),
candidate AS (
  SELECT input.ord, (e->>'eventId')::uuid AS event_id, input.gate_id, (e->>'sequence')::bigint AS sequence, e->>'type' AS type,
         (e->>'occurredAt')::timestamptz AS occurred_at, (e->>'clockTrusted')::boolean AS clock_trusted,
         (e->>'bundleVersion')::bigint AS bundle_version, e->>'decision' AS decision, e->>'reason' AS reason,
         (e#>>'{pass,passId}')::uuid AS pass_id, e#>>'{pass,kind}' AS pass_kind, (e#>>'{pass,campusDay}')::int AS pass_campus_day,
         (e#>>'{pass,ecardId}')::int AS pass_ecard_id, (e#>>'{pass,guestIndex}')::int AS pass_guest_index,
         e->>'passage' AS passage, (e->>'scanEventId')::uuid AS scan_event_id, e->>'operator' AS operator, e->>'detail' AS detail,
         input.payload, input.signature, g.status AS gate_status,
         COALESCE((g.policy->>'reEntryWindowSeconds')::int, 0) AS window_seconds
    FROM input JOIN gate g ON g.id = input.gate_id
),
existing AS (
  SELECT c.ord, x.payload FROM candidate c JOIN gate_event x ON x.gate_id = c.gate_id AND x.event_id = c.event_id
),
fresh AS (
  SELECT c.* FROM candidate c WHERE NOT EXISTS (SELECT 1 FROM existing WHERE existing.ord = c.ord)
),
granted AS (
  SELECT ord, gate_id, pass_id, occurred_at, window_seconds
    FROM fresh WHERE type = 'scan' AND decision = 'granted' AND pass_id IS NOT NULL
),
-- Granted at another gate less than the re-entry window apart, the window of the gate of the later scan (the gate
-- that would have refused it had it known). Whichever of the two arrives first, both end up flagged.
two_gates_stored AS (
  SELECT f.ord, x.gate_id, x.event_id
    FROM granted f
    JOIN gate_event x ON x.pass_id = f.pass_id AND x.gate_id <> f.gate_id AND x.type = 'scan' AND x.decision = 'granted'
    JOIN gate other ON other.id = x.gate_id
   WHERE abs(extract(epoch FROM f.occurred_at - x.occurred_at)) <
         CASE WHEN f.occurred_at > x.occurred_at THEN f.window_seconds
              WHEN f.occurred_at < x.occurred_at THEN COALESCE((other.policy->>'reEntryWindowSeconds')::int, 0)
              ELSE GREATEST(f.window_seconds, COALESCE((other.policy->>'reEntryWindowSeconds')::int, 0)) END
),
-- Within the batch: only the events whose pass is granted at another gate in the same batch ($5, found by the caller;
-- a handful), so the pairing stays small whatever the planner guesses of the CTEs' sizes.
granted_again AS (
  SELECT * FROM granted WHERE ord = ANY ($5::int[])
),
two_gates_batch AS (
  SELECT a.ord
    FROM granted_again a JOIN granted_again b ON b.pass_id = a.pass_id AND b.gate_id <> a.gate_id
   WHERE abs(extract(epoch FROM a.occurred_at - b.occurred_at)) <
         CASE WHEN a.occurred_at > b.occurred_at THEN a.window_seconds
              WHEN a.occurred_at < b.occurred_at THEN b.window_seconds
              ELSE GREATEST(a.window_seconds, b.window_seconds) END
),
counterparts AS (
  UPDATE gate_event x SET flags = array_append(x.flags, 'two-gates')
    FROM (SELECT DISTINCT gate_id, event_id FROM two_gates_stored) p
   WHERE x.gate_id = p.gate_id AND x.event_id = p.event_id AND NOT ('two-gates' = ANY (x.flags))
  RETURNING x.event_id
),
inserted AS (
  INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason,
                          pass_id, pass_kind, pass_campus_day, pass_ecard_id, pass_guest_index, passage, scan_event_id,
                          operator, detail, received_at, payload, signature, flags)
  SELECT f.event_id, f.gate_id, f.sequence, f.type, f.occurred_at, f.clock_trusted, f.bundle_version, f.decision, f.reason,
         f.pass_id, f.pass_kind, f.pass_campus_day, f.pass_ecard_id, f.pass_guest_index, f.passage, f.scan_event_id,
         f.operator, f.detail, $4, f.payload, f.signature,
         array_remove(ARRAY[
           CASE WHEN f.gate_status = 'revoked' THEN 'gate-revoked' END,
           CASE WHEN f.type = 'scan' AND f.decision = 'granted' AND EXISTS (
                  SELECT 1 FROM pass p WHERE p.id = f.pass_id AND p.status <> 'active' AND p.revoked_at <= f.occurred_at)
                THEN 'revoked-before-scan' END,
           CASE WHEN EXISTS (SELECT 1 FROM two_gates_stored t WHERE t.ord = f.ord)
                  OR EXISTS (SELECT 1 FROM two_gates_batch t WHERE t.ord = f.ord) THEN 'two-gates' END,
           CASE WHEN NOT f.clock_trusted THEN 'clock-untrusted' END,
           CASE WHEN f.type = 'manual-open' THEN 'manual-open' END
         ]::text[], NULL)
    FROM fresh f
   -- One order for every batch: two batches holding the same events cannot deadlock on their keys.
   ORDER BY f.gate_id, f.event_id
  ON CONFLICT (gate_id, event_id) DO NOTHING
  RETURNING gate_id, event_id, flags
),
counted AS (
  INSERT INTO gate_event_ingest_rate (second, stored)
  SELECT date_trunc('second', clock_timestamp()), count(*) FROM inserted HAVING count(*) > 0
  ON CONFLICT (second) DO UPDATE SET stored = gate_event_ingest_rate.stored + EXCLUDED.stored
)
SELECT input.ord, ins.flags, existing.payload AS stored_payload
  FROM input
  LEFT JOIN candidate c ON c.ord = input.ord
  LEFT JOIN inserted ins ON ins.gate_id = c.gate_id AND ins.event_id = c.event_id
  LEFT JOIN existing ON existing.ord = input.ord
 ORDER BY input.ord`;

/** 1-based positions of the granted scans whose pass is also granted at another gate in the same batch. */
function sharedPassPositions(events: readonly BatchEvent[]): number[] {
  const gatesByPass = new Map<string, Set<string>>();
  const grantedPass = events.map(({ event, gateId }) => {
    if (event.type !== 'scan' || event.decision !== 'granted' || !event.pass) return null;
    const gates = gatesByPass.get(event.pass.passId) ?? new Set<string>();
    gates.add(gateId);
    gatesByPass.set(event.pass.passId, gates);
    return event.pass.passId;
  });
  return grantedPass.flatMap((passId, index) => (passId !== null && gatesByPass.get(passId)!.size > 1 ? [index + 1] : []));
}

@Injectable()
export class EntriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts a batch of verified events in one statement, each unless its gate already stored that event id (then
   * nothing happens: exactly-once counting however often an event is delivered; event ids are per gate). Flags are
   * set in the same statement from the rows as they are then: the gate (`gate-revoked`), the pass
   * (`revoked-before-scan`: revoked or cancelled at or before the scan), the other gates' grants of the same pass
   * (`two-gates`; the stored counterpart is flagged too), the event (`clock-untrusted`, `manual-open`). Batches with
   * grants of the same pass (in other worker processes) are serialised by a per-pass advisory lock, so the later
   * batch sees the earlier one. The per-second counter of stored events is bumped in the same statement.
   * Outcomes come in the order of `events`; the caller passes each (gate, event id) once.
   */
  async insertBatch(events: readonly BatchEvent[], receivedAt: Date): Promise<BatchInsertOutcome[]> {
    const grantedPassIds = events.flatMap(({ event }) =>
      event.type === 'scan' && event.decision === 'granted' && event.pass ? [event.pass.passId] : [],
    );
    return this.dataSource.transaction(async (manager) => {
      if (grantedPassIds.length > 0) {
        // In ascending key order, so two batches never wait for each other in a circle.
        await manager.query(
          `SELECT count(pg_advisory_xact_lock($1::int, k)) FROM (SELECT DISTINCT hashtext(p) AS k FROM unnest($2::text[]) p ORDER BY 1) keys`,
          [PASS_LOCK_SPACE, grantedPassIds],
        );
      }
      const rows = (await manager.query(INSERT_BATCH_SQL, [
        events.map((event) => event.gateId),
        events.map((event) => event.signed.payload),
        events.map((event) => event.signed.signature),
        receivedAt,
        sharedPassPositions(events),
      ])) as Array<{ ord: number; flags: string[] | null; stored_payload: string | null }>;
      const outcomes: BatchInsertOutcome[] = rows.map((row) =>
        row.flags !== null
          ? { kind: 'stored', flags: row.flags }
          : row.stored_payload !== null
            ? { kind: 'exists', storedPayload: row.stored_payload }
            : { kind: 'missing' },
      );
      // Neither inserted nor in the statement's snapshot: another transaction stored it meanwhile. Look again.
      const unseen = outcomes.flatMap((outcome, index) => (outcome.kind === 'missing' ? [index] : []));
      if (unseen.length > 0) {
        const found = (await manager.query(
          `SELECT i.ord::int AS ord, x.payload
             FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS i (gate_id, event_id, ord)
             JOIN gate_event x ON x.gate_id = i.gate_id AND x.event_id = i.event_id`,
          [unseen.map((index) => events[index]!.gateId), unseen.map((index) => events[index]!.eventId)],
        )) as Array<{ ord: number; payload: string }>;
        for (const row of found) outcomes[unseen[row.ord - 1]!] = { kind: 'exists', storedPayload: row.payload };
      }
      return outcomes;
    });
  }

  /** Records a job that can never be stored, once per job id (another delivery of the same job adds nothing). */
  async insertDeadLetter(letter: NewDeadLetter): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO gate_event_dead_letter (job_id, gate_id, reason, data, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (job_id) DO NOTHING`,
      [letter.jobId, letter.gateId, letter.reason, letter.data, letter.receivedAt],
    );
  }

  /** The latest dead letters, newest first, and how many there are in all. */
  async deadLetters(limit: number): Promise<{ total: number; latest: DeadLetterRow[] }> {
    const [count, latest] = await Promise.all([
      this.dataSource.query(`SELECT count(*)::int AS n FROM gate_event_dead_letter`) as Promise<Array<{ n: number }>>,
      this.dataSource.query(
        `SELECT id, job_id, gate_id, reason, received_at FROM gate_event_dead_letter ORDER BY received_at DESC, id LIMIT $1`,
        [limit],
      ) as Promise<DeadLetterRow[]>,
    ]);
    return { total: count[0]!.n, latest };
  }

  /** Events stored over the last 10 and 60 seconds, by the database's clock (every worker process counts alike). */
  async storedRecently(): Promise<{ last10s: number; last60s: number }> {
    const rows = (await this.dataSource.query(
      `SELECT COALESCE(sum(stored) FILTER (WHERE second > now() - interval '10 seconds'), 0)::int AS last10s,
              COALESCE(sum(stored), 0)::int AS last60s
         FROM gate_event_ingest_rate WHERE second > now() - interval '60 seconds'`,
    )) as Array<{ last10s: number; last60s: number }>;
    return rows[0]!;
  }

  /** Drops the per-second counters older than a day. */
  async pruneIngestRate(): Promise<void> {
    await this.dataSource.query(`DELETE FROM gate_event_ingest_rate WHERE second < now() - interval '1 day'`);
  }

  async countForGate(gateId: string): Promise<number> {
    const rows = (await this.dataSource.query(`SELECT count(*)::int AS n FROM gate_event WHERE gate_id = $1`, [gateId])) as Array<{
      n: number;
    }>;
    return rows[0]!.n;
  }

  async eventsForGate(gateId: string): Promise<StoredGateEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT event_id, gate_id, sequence, type, decision, reason, replace(pass_id::text, '-', '') AS pass_id, occurred_at, received_at, flags
         FROM gate_event WHERE gate_id = $1 ORDER BY sequence, event_id`,
      [gateId],
    )) as Array<{
      event_id: string;
      gate_id: string;
      sequence: string;
      type: GateEvent['type'];
      decision: GateEvent['decision'];
      reason: string | null;
      pass_id: string | null;
      occurred_at: Date;
      received_at: Date;
      flags: string[];
    }>;
    return rows.map((row) => ({
      eventId: row.event_id,
      gateId: row.gate_id,
      sequence: Number(row.sequence),
      type: row.type,
      decision: row.decision,
      reason: row.reason,
      passId: row.pass_id,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
      flags: row.flags,
    }));
  }
}
