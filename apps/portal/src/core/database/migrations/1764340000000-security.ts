import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security dashboard (issue 6 items 2-3).
 *
 * `gate.kind`: 'turnstile' (an enrolled gate agent) or 'handheld' (a side door where security staff check passes
 * with a phone: one row per location). A handheld row never has a key, an enrollment code or a pending state, so
 * it can never authenticate a signed gate request, enroll, or be served a bundle.
 *
 * `security_alert`: what security staff must look at. An OPEN alert (not acknowledged) is unique per dedup key
 * (kind + gate + pass), so repeats fold into `count`/`last_seen_at` with INSERT ... ON CONFLICT, also when several
 * workers raise the same alert at once; once acknowledged, the next occurrence opens a new row.
 */
export class Security1764340000000 implements MigrationInterface {
  name = 'Security1764340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE gate ADD COLUMN kind text NOT NULL DEFAULT 'turnstile' CHECK (kind IN ('turnstile', 'handheld'))`);
    await queryRunner.query(`ALTER TABLE gate DROP CONSTRAINT gate_key_once_enrolled`);
    await queryRunner.query(`
      ALTER TABLE gate
        ADD CONSTRAINT gate_key_once_enrolled
          CHECK (kind = 'handheld' OR (status = 'pending') = (public_key IS NULL) OR status = 'revoked'),
        ADD CONSTRAINT gate_handheld_keyless
          CHECK (kind = 'turnstile' OR (public_key IS NULL AND enrollment_code_hash IS NULL AND status <> 'pending'))`);
    await queryRunner.query(`CREATE UNIQUE INDEX gate_handheld_location_uq ON gate (name) WHERE kind = 'handheld'`);
    await queryRunner.query(`
      CREATE TABLE security_alert (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind            text NOT NULL CHECK (kind IN ('gate-offline', 'clock-untrusted', 'forced-passage', 'sensor-fault',
                                                      'repeated-denials', 'revoked-before-scan', 'two-gates', 'manual-open',
                                                      'fire-input', 'outbox-filling')),
        severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        gate_id         uuid REFERENCES gate (id) ON DELETE CASCADE,
        pass_id         uuid,
        message         text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 1000),
        dedup_key       text NOT NULL,
        raised_at       timestamptz NOT NULL,
        last_seen_at    timestamptz NOT NULL,
        count           integer NOT NULL DEFAULT 1 CHECK (count >= 1),
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES staff_account (id),
        note            text CHECK (char_length(note) BETWEEN 1 AND 1000),
        CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
        CHECK ((acknowledged_at IS NULL) = (note IS NULL))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX security_alert_open_uq ON security_alert (dedup_key) WHERE acknowledged_at IS NULL`);
    await queryRunner.query(`CREATE INDEX security_alert_recent_idx ON security_alert (last_seen_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE security_alert`);
    await queryRunner.query(`DELETE FROM gate_event WHERE gate_id IN (SELECT id FROM gate WHERE kind = 'handheld')`);
    await queryRunner.query(`DELETE FROM gate WHERE kind = 'handheld'`);
    await queryRunner.query(`DROP INDEX gate_handheld_location_uq`);
    await queryRunner.query(`ALTER TABLE gate DROP CONSTRAINT gate_handheld_keyless, DROP CONSTRAINT gate_key_once_enrolled`);
    await queryRunner.query(
      `ALTER TABLE gate ADD CONSTRAINT gate_key_once_enrolled CHECK ((status = 'pending') = (public_key IS NULL) OR (status = 'revoked'))`,
    );
    await queryRunner.query(`ALTER TABLE gate DROP COLUMN kind`);
  }
}
