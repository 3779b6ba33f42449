import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import QueryStream from 'pg-query-stream';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ReportGate } from '@campuspass/contracts';

/** Hong Kong days, inclusive, and an optional gate: what every report query is bounded by. */
export interface ReportRange {
  /** YYYY-MM-DD */
  readonly from: string;
  /** YYYY-MM-DD, inclusive */
  readonly to: string;
  readonly gateId: string | null;
}

/** One row of the grouping-sets aggregate: which set it belongs to and its counts. */
export interface ScanAggregateRow {
  readonly set: 'day' | 'gate' | 'hour' | 'reason' | 'total';
  readonly day: string | null;
  readonly gateId: string | null;
  readonly gateName: string | null;
  readonly hour: number | null;
  readonly reason: string | null;
  readonly granted: number;
  readonly alumni: number;
  readonly guests: number;
  readonly denied: number;
}

export interface UniqueCounts {
  readonly uniqueAlumni: number;
  readonly uniqueGuests: number;
}

/** One entry as the export reads it (raw, before neutralising for spreadsheets). */
export interface EntryExportRow {
  readonly event_id: string;
  readonly occurred_at: Date;
  readonly time_hk: string;
  readonly gate_name: string;
  readonly type: string;
  readonly decision: string | null;
  readonly reason: string | null;
  readonly pass_kind: string | null;
  readonly passage: string | null;
  readonly flags: string[];
  readonly surname: string | null;
  readonly given_name: string | null;
  readonly alumni_number: string | null;
  readonly guest_name: string | null;
}

/** A cursor over the entries of a range; `rows` must end or be destroyed, after which the connection is released. */
export interface EntryCursor {
  readonly rows: Readable;
  /** Resolves once the database connection went back to the pool (or was discarded after an error). */
  readonly released: Promise<void>;
}

// The range in Hong Kong days as instants: [from 00:00 HK, the day after `to` 00:00 HK).
const inRange = (alias = '') => `${alias}occurred_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Hong_Kong')
           AND ${alias}occurred_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Hong_Kong')
           AND ($3::uuid IS NULL OR ${alias}gate_id = $3::uuid)`;

/** Rows fetched from the cursor per round trip: large enough for throughput, small enough for constant memory. */
const EXPORT_BATCH_ROWS = 1000;

@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async gates(): Promise<ReportGate[]> {
    return (await this.dataSource.query(`SELECT id, name, status FROM gate ORDER BY name, id`)) as ReportGate[];
  }

  async gateExists(gateId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM gate WHERE id = $1`, [gateId])) as unknown[];
    return rows.length > 0;
  }

  /**
   * Every count of the summary in one pass over the range's scans (the covering index of the reports migration):
   * per Hong Kong day, per gate, per Hong Kong hour, per denial reason, and the total.
   */
  async scanAggregates(range: ReportRange): Promise<ScanAggregateRow[]> {
    const rows = (await this.dataSource.query(
      `WITH fine AS (
         -- First the counts per Hong Kong day, hour, gate and denial reason (a hash aggregate over the index-only scan)…
         SELECT (occurred_at AT TIME ZONE 'Asia/Hong_Kong')::date AS day,
                extract(hour FROM occurred_at AT TIME ZONE 'Asia/Hong_Kong')::int AS hour,
                gate_id,
                CASE WHEN decision = 'denied' THEN coalesce(reason, 'unknown') END AS reason,
                count(*) FILTER (WHERE decision = 'granted') AS granted,
                count(*) FILTER (WHERE decision = 'granted' AND pass_kind = 'alumni-day') AS alumni,
                count(*) FILTER (WHERE decision = 'granted' AND pass_kind = 'guest') AS guests,
                count(*) FILTER (WHERE decision = 'denied') AS denied
           FROM gate_event
          WHERE type = 'scan' AND ${inRange()}
          GROUP BY 1, 2, 3, 4
       ), sets AS (
         -- …then each figure from those few thousand rows.
         SELECT GROUPING(day) AS g_day, GROUPING(gate_id) AS g_gate, GROUPING(hour) AS g_hour, GROUPING(reason) AS g_reason,
                day, gate_id, hour, reason,
                coalesce(sum(granted), 0) AS granted, coalesce(sum(alumni), 0) AS alumni, coalesce(sum(guests), 0) AS guests,
                coalesce(sum(denied), 0) AS denied
           FROM fine
          GROUP BY GROUPING SETS ((day), (gate_id), (hour), (reason), ())
       )
       SELECT s.g_day, s.g_gate, s.g_hour, s.g_reason, to_char(s.day, 'YYYY-MM-DD') AS day, s.gate_id, g.name AS gate_name,
              s.hour, s.reason, s.granted::int, s.alumni::int, s.guests::int, s.denied::int
         FROM sets s LEFT JOIN gate g ON g.id = s.gate_id`,
      [range.from, range.to, range.gateId],
    )) as Array<{
      g_day: number;
      g_gate: number;
      g_hour: number;
      g_reason: number;
      day: string | null;
      gate_id: string | null;
      gate_name: string | null;
      hour: number | null;
      reason: string | null;
      granted: number;
      alumni: number;
      guests: number;
      denied: number;
    }>;
    return rows.map((row) => ({
      set: row.g_day === 0 ? 'day' : row.g_gate === 0 ? 'gate' : row.g_hour === 0 ? 'hour' : row.g_reason === 0 ? 'reason' : 'total',
      day: row.day,
      gateId: row.gate_id,
      gateName: row.gate_name,
      hour: row.hour,
      reason: row.reason,
      granted: row.granted,
      alumni: row.alumni,
      guests: row.guests,
      denied: row.denied,
    }));
  }

  /** Distinct eCards granted on alumni passes, and distinct guest passes granted, in the range. */
  async uniqueCounts(range: ReportRange): Promise<UniqueCounts> {
    const rows = (await this.dataSource.query(
      `SELECT count(DISTINCT pass_ecard_id) FILTER (WHERE pass_kind = 'alumni-day')::int AS unique_alumni,
              count(DISTINCT pass_id) FILTER (WHERE pass_kind = 'guest')::int AS unique_guests
         FROM gate_event
        WHERE type = 'scan' AND decision = 'granted' AND ${inRange()}`,
      [range.from, range.to, range.gateId],
    )) as Array<{ unique_alumni: number; unique_guests: number }>;
    return { uniqueAlumni: rows[0]!.unique_alumni, uniqueGuests: rows[0]!.unique_guests };
  }

  /**
   * Every entry of the range in time order, through a cursor (pg-query-stream) on a connection of its own: memory
   * stays constant however long the range, and the reader's pace sets the fetching (backpressure). It runs in a
   * read-only repeatable-read transaction, so the file is one consistent snapshot while gates keep sending.
   * Personal id numbers are never selected.
   */
  async openEntryCursor(range: ReportRange): Promise<EntryCursor> {
    const queryRunner = this.dataSource.createQueryRunner();
    let connection: { query(sql: string): Promise<unknown>; query(stream: QueryStream): QueryStream };
    try {
      connection = (await queryRunner.connect()) as typeof connection;
      await connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // A year is millions of rows: never sort them. With sorting off the planner reads them in the order of the
      // occurred_at index (or the gate's index) and looks the names up row by row, so the first rows leave at once
      // and nothing spills to disk; without it, it prefers to hash-join everything and sort the year first.
      await connection.query('SET LOCAL enable_sort = off');
    } catch (error) {
      await this.release(queryRunner, error as Error);
      throw error;
    }
    const rows = connection.query(
      new QueryStream(
        `SELECT e.event_id, e.occurred_at, to_char(e.occurred_at AT TIME ZONE 'Asia/Hong_Kong', 'YYYY-MM-DD HH24:MI:SS') AS time_hk,
                (SELECT g.name FROM gate g WHERE g.id = e.gate_id) AS gate_name,
                e.type, e.decision, e.reason, e.pass_kind, e.passage, e.flags,
                holder.surname, holder.given_name, holder.alumni_number,
                (SELECT p.guest_name FROM pass p WHERE p.id = e.pass_id AND e.pass_kind = 'guest') AS guest_name
           FROM gate_event e
           LEFT JOIN LATERAL (
             SELECT gr.surname, gr.given_name, ec.alumni_number
               FROM ecard ec JOIN graduate gr ON gr.id = ec.graduate_id
              WHERE ec.id = e.pass_ecard_id
           ) holder ON true
          WHERE ${inRange('e.')}
          ORDER BY e.occurred_at, e.gate_id, e.sequence`,
        [range.from, range.to, range.gateId],
        { batchSize: EXPORT_BATCH_ROWS },
      ),
    );
    // 'close' follows the end of the rows, an error and a destroy alike (the cursor is closed by then). The read-only
    // transaction is rolled back; a connection that cannot even do that is released with the error, so the pool
    // discards it instead of lending it out again.
    const released = new Promise<void>((resolve) => {
      rows.once('close', () => {
        connection
          .query('ROLLBACK')
          .then(
            () => this.release(queryRunner, undefined),
            (error: Error) => this.release(queryRunner, error),
          )
          .then(resolve, resolve);
      });
    });
    return { rows, released };
  }

  private async release(queryRunner: QueryRunner, error: Error | undefined): Promise<void> {
    const runner = queryRunner as unknown as { releasePostgresConnection?: (error?: Error) => Promise<void> };
    await (error && runner.releasePostgresConnection ? runner.releasePostgresConnection(error) : queryRunner.release()).catch(
      () => undefined,
    );
  }
}
