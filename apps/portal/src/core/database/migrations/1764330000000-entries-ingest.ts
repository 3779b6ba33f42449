import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Entries ingestion at scale (issue 6 item 1).
 *
 * `gate_event_dead_letter`: gate-event jobs that can never be stored (not a signed event, unknown or unenrolled gate,
 * bad signature, malformed payload, reused event id…), once per job id, with the reason for people and the job data
 * as it came (bounded: a sender may put anything on the queue). The gate id is text as sent, since it may be junk.
 *
 * `gate_event_ingest_rate`: events stored per second (by the database's clock), bumped by the batch insert itself, so
 * the events/s of the ingest status is right across every worker process and costs one small upsert per batch.
 * Counting `gate_event` rows by `received_at` would need another index on the largest table, paid on every insert,
 * and a heap visit per recent row on every read; this table keeps a day of seconds (pruned by the worker).
 */
export class EntriesIngest1764330000000 implements MigrationInterface {
  name = 'EntriesIngest1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gate_event_dead_letter (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id      text UNIQUE CHECK (char_length(job_id) <= 200),
        gate_id     text CHECK (char_length(gate_id) <= 100),
        reason      text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
        data        text NOT NULL CHECK (char_length(data) <= 16384),
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX gate_event_dead_letter_received_idx ON gate_event_dead_letter (received_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE gate_event_ingest_rate (
        second timestamptz PRIMARY KEY,
        stored integer NOT NULL CHECK (stored >= 0)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gate_event_ingest_rate`);
    await queryRunner.query(`DROP TABLE gate_event_dead_letter`);
  }
}
