import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity, second step: re-authentication before changing the sign-in email (auth_session.reauthenticated_at
 * and two more code purposes), and staff sign-in through the university's OIDC identity provider (the
 * (issuer, subject) links of staff accounts and the short-lived state of a sign-in in progress).
 */
export class Identity21764230000000 implements MigrationInterface {
  name = 'Identity21764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // When the session last proved the person again with a fresh code (sign-in itself counts: created_at).
    await queryRunner.query(`ALTER TABLE auth_session ADD COLUMN reauthenticated_at timestamptz`);
    await queryRunner.query(`ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check`);
    await queryRunner.query(`
      ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
        CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in', 'reauthentication', 'email-change'))`);
    // A staff account is never created from the identity provider: a link is made only to an existing account.
    await queryRunner.query(`
      CREATE TABLE staff_identity_link (
        issuer       text NOT NULL,
        subject      text NOT NULL,
        staff_id     uuid NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,
        created_at   timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, subject)
      )`);
    await queryRunner.query(`CREATE INDEX staff_identity_link_staff_idx ON staff_identity_link (staff_id)`);
    // id is the HMAC of the random handle in the browser's short-lived cookie; the row is used once.
    await queryRunner.query(`
      CREATE TABLE oidc_login_state (
        id            bytea PRIMARY KEY,
        state         text NOT NULL,
        nonce         text NOT NULL,
        code_verifier text NOT NULL,
        created_at    timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX oidc_login_state_expires_at_idx ON oidc_login_state (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE oidc_login_state, staff_identity_link`);
    await queryRunner.query(`DELETE FROM one_time_code WHERE purpose IN ('reauthentication', 'email-change')`);
    await queryRunner.query(`ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check`);
    await queryRunner.query(`
      ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
        CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in'))`);
    await queryRunner.query(`ALTER TABLE auth_session DROP COLUMN reauthenticated_at`);
  }
}
