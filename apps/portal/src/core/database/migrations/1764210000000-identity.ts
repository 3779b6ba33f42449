import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity: alumni and staff accounts, server-side sessions, one-time codes, registration tickets and
 * rate-limit counters. An alumni account belongs to one graduate of the registry (1764200000000).
 */
export class Identity1764210000000 implements MigrationInterface {
  name = 'Identity1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alumni_account (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        graduate_id uuid NOT NULL UNIQUE REFERENCES graduate (id),
        email       text NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' IN email) > 1),
        locale      text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-Hant')),
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE staff_account (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         text NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' IN email) > 1),
        name          text NOT NULL,
        role          text NOT NULL CHECK (role IN ('aao-admin', 'security-staff', 'auditor')),
        password_hash text NOT NULL,
        active        boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    // id is the HMAC of the token in the cookie: a copy of this table signs nobody in.
    await queryRunner.query(`
      CREATE TABLE auth_session (
        id             bytea PRIMARY KEY,
        public_id      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        subject_type   text NOT NULL CHECK (subject_type IN ('alumnus', 'staff')),
        subject_id     uuid NOT NULL,
        roles          text[] NOT NULL,
        created_at     timestamptz NOT NULL,
        last_seen_at   timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL,
        ip             inet,
        user_agent     text,
        revoked_at     timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query(`CREATE INDEX auth_session_subject_idx ON auth_session (subject_type, subject_id) WHERE revoked_at IS NULL`);
    await queryRunner.query(`CREATE INDEX auth_session_expires_at_idx ON auth_session (expires_at)`);
    // One row per request for a code; id is the request id the code is bound to. code_hash is null when the
    // email is not registered (the request still exists, so the answer is the same).
    await queryRunner.query(`
      CREATE TABLE one_time_code (
        id           uuid PRIMARY KEY,
        purpose      text NOT NULL CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in')),
        subject_id   uuid,
        email        text NOT NULL,
        locale       text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-Hant')),
        code_hash    bytea,
        failed_tries integer NOT NULL DEFAULT 0,
        created_at   timestamptz NOT NULL,
        sent_at      timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        consumed_at  timestamptz,
        ip           inet
      )`);
    await queryRunner.query(`CREATE INDEX one_time_code_expires_at_idx ON one_time_code (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE registration_ticket (
        id              bytea PRIMARY KEY,
        graduate_id     uuid NOT NULL REFERENCES graduate (id) ON DELETE CASCADE,
        email_on_record text,
        code_request_id uuid REFERENCES one_time_code (id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        used_at         timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX registration_ticket_expires_at_idx ON registration_ticket (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE rate_limit_counter (
        name         text NOT NULL,
        key          text NOT NULL,
        window_start timestamptz NOT NULL,
        hits         integer NOT NULL,
        PRIMARY KEY (name, key, window_start)
      )`);
    await queryRunner.query(`CREATE INDEX rate_limit_counter_window_idx ON rate_limit_counter (window_start)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE rate_limit_counter, registration_ticket, one_time_code, auth_session, staff_account, alumni_account`,
    );
  }
}
