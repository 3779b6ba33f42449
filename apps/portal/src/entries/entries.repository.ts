import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { GateEvent, SignedGateEvent } from '@campuspass/contracts';

/** Conflict flags on a stored event, for security staff. */
export type GateEventFlag = 'gate-revoked';

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

@Injectable()
export class EntriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the event unless this gate's event id is stored already (then nothing happens: exactly-once counting
   * however often it is delivered). Event ids are per gate: the same id from another gate is another event. The `gate-revoked` flag is taken from the gate row in the same statement, so a
   * revocation counts from the moment it commits. True when this call stored it.
   */
  async insertEvent(event: GateEvent, signed: SignedGateEvent, receivedAt: Date): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason,
                               pass_id, pass_kind, pass_campus_day, pass_ecard_id, pass_guest_index, passage, scan_event_id,
                               operator, detail, received_at, payload, signature, flags)
       SELECT $1, g.id, $3, $4, $5, $6, $7, $8, $9, $10::uuid, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
              CASE WHEN g.status = 'revoked' THEN ARRAY['gate-revoked']::text[] ELSE '{}'::text[] END
         FROM gate g WHERE g.id = $2
       ON CONFLICT (gate_id, event_id) DO NOTHING
       RETURNING event_id`,
      [
        event.eventId,
        event.gateId,
        event.sequence,
        event.type,
        event.occurredAt,
        event.clockTrusted,
        event.bundleVersion,
        event.decision,
        event.reason,
        event.pass?.passId ?? null,
        event.pass?.kind ?? null,
        event.pass?.campusDay ?? null,
        event.pass?.ecardId ?? null,
        event.pass?.guestIndex ?? null,
        event.passage,
        event.scanEventId,
        event.operator,
        event.detail,
        receivedAt,
        signed.payload,
        Buffer.from(signed.signature, 'base64'),
      ],
    )) as Array<{ event_id: string }>;
    return rows.length > 0;
  }

  /** The signed payload this gate stored under this event id, or null. */
  async storedPayload(gateId: string, eventId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT payload FROM gate_event WHERE gate_id = $1 AND event_id = $2`, [
      gateId,
      eventId,
    ])) as Array<{ payload: string }>;
    return rows[0]?.payload ?? null;
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
