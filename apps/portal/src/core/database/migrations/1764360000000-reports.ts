import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports and the CSV export of entries (issue 6 item 5).
 *
 * `gate_event_scan_report_idx`: the reports aggregate the scans of a date range (a year at most). A partial index of
 * scans by time that carries every column the aggregates read lets PostgreSQL answer with an index-only scan, without
 * visiting the wide heap rows (payload and signature). A gate filter is applied to the included gate_id.
 *
 * `gate_event_gate_occurred_idx`: the export of one gate's entries in time order (every event type) reads this
 * instead of every gate's range.
 */
export class Reports1764360000000 implements MigrationInterface {
  name = 'Reports1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX gate_event_scan_report_idx ON gate_event (occurred_at)
        INCLUDE (gate_id, decision, pass_kind, pass_ecard_id, pass_id, reason)
        WHERE type = 'scan'`);
    await queryRunner.query(`CREATE INDEX gate_event_gate_occurred_idx ON gate_event (gate_id, occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX gate_event_gate_occurred_idx`);
    await queryRunner.query(`DROP INDEX gate_event_scan_report_idx`);
  }
}
