import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gate enrollment, heartbeats and event ingestion (issue 5, portal side).
 *
 * `gate`: a gate the AAO creates is `pending` (no key yet) with the keyed hash of a one-time enrollment code and
 * its expiry; enrolling binds the gate's public key and makes it `active`. `last_request_timestamp` is the
 * x-gate-timestamp of the last state-changing signed request accepted (heartbeat), so a captured one cannot be
 * replayed inside the skew window. `revoked_request_audited_at` is when a signed request of the revoked gate was last
 * audited, so a revoked gate that keeps calling writes one audit row a minute, not one per request.
 *
 * `gate_status`: the latest heartbeat of each gate. `gate_event`: what gates recorded, keyed by the gate and its
 * event id so an event is counted once however often it is delivered (and no gate can take another's event id); `flags` carries conflicts for security staff
 * (an event from a revoked gate is stored, as a fact of what the turnstile did, and flagged `gate-revoked`).
 */
export class GateEnrollment1764300000000 implements MigrationInterface {
  name = 'GateEnrollment1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE gate DROP CONSTRAINT gate_status_check`);
    await queryRunner.query(`
      ALTER TABLE gate
        ALTER COLUMN public_key DROP NOT NULL,
        ADD CONSTRAINT gate_status_check CHECK (status IN ('pending', 'active', 'revoked')),
        ADD COLUMN enrollment_code_hash bytea UNIQUE,
        ADD COLUMN enrollment_expires_at timestamptz,
        ADD COLUMN enrolled_at timestamptz,
        ADD COLUMN agent_version text CHECK (char_length(agent_version) <= 40),
        ADD COLUMN last_request_timestamp bigint,
        ADD COLUMN revoked_request_audited_at timestamptz,
        ADD CONSTRAINT gate_key_once_enrolled CHECK ((status = 'pending') = (public_key IS NULL) OR (status = 'revoked')),
        ADD CONSTRAINT gate_code_while_pending CHECK (enrollment_code_hash IS NULL OR status = 'pending'),
        ADD CONSTRAINT gate_code_expires CHECK ((enrollment_code_hash IS NULL) = (enrollment_expires_at IS NULL))`);
    await queryRunner.query(`
      CREATE TABLE gate_status (
        gate_id           uuid PRIMARY KEY REFERENCES gate (id) ON DELETE CASCADE,
        received_at       timestamptz NOT NULL,
        agent_version     text NOT NULL,
        bundle_version    bigint NOT NULL,
        clock_trusted     boolean NOT NULL,
        clock_offset_ms   bigint,
        outbox_pending    integer NOT NULL,
        outbox_fill       double precision NOT NULL,
        oldest_pending_at timestamptz,
        relay             text NOT NULL,
        passage_sensor    text NOT NULL,
        input             text NOT NULL,
        fire_input        text NOT NULL,
        uptime_seconds    bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE gate_event (
        event_id          uuid NOT NULL,
        gate_id           uuid NOT NULL REFERENCES gate (id),
        sequence          bigint NOT NULL,
        type              text NOT NULL,
        occurred_at       timestamptz NOT NULL,
        clock_trusted     boolean NOT NULL,
        bundle_version    bigint NOT NULL,
        decision          text,
        reason            text,
        pass_id           uuid,
        pass_kind         text,
        pass_campus_day   integer,
        pass_ecard_id     integer,
        pass_guest_index  integer,
        passage           text,
        scan_event_id     uuid,
        operator          text,
        detail            text,
        received_at       timestamptz NOT NULL,
        flags             text[] NOT NULL DEFAULT '{}',
        -- The signed bytes as the gate sent them: proof of which gate said what.
        payload           text NOT NULL,
        signature         bytea NOT NULL,
        -- Per gate: an event id is the gate's own, so another gate storing one first cannot shadow the real event.
        PRIMARY KEY (gate_id, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX gate_event_gate_sequence_idx ON gate_event (gate_id, sequence)`);
    await queryRunner.query(`CREATE INDEX gate_event_occurred_idx ON gate_event (occurred_at)`);
    await queryRunner.query(`CREATE INDEX gate_event_pass_idx ON gate_event (pass_id) WHERE pass_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gate_event`);
    await queryRunner.query(`DROP TABLE gate_status`);
    await queryRunner.query(`DELETE FROM gate WHERE public_key IS NULL`);
    await queryRunner.query(`
      ALTER TABLE gate
        DROP CONSTRAINT gate_code_expires,
        DROP CONSTRAINT gate_code_while_pending,
        DROP CONSTRAINT gate_key_once_enrolled,
        DROP COLUMN revoked_request_audited_at,
        DROP COLUMN last_request_timestamp,
        DROP COLUMN agent_version,
        DROP COLUMN enrolled_at,
        DROP COLUMN enrollment_expires_at,
        DROP COLUMN enrollment_code_hash,
        DROP CONSTRAINT gate_status_check,
        ALTER COLUMN public_key SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE gate ADD CONSTRAINT gate_status_check CHECK (status IN ('active', 'revoked'))`);
  }
}
