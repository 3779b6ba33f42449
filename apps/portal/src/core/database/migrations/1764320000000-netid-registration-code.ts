import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alumni NetID registration confirms the email on record with a 6-digit code before the NetID exists (knowing a
 * person's details alone must not put a NetPassword on their account): a code purpose of its own, and the pending
 * registration (Display Name, NetPassword hash, where the code went) kept until the code is confirmed.
 */
export class NetidRegistrationCode1764320000000 implements MigrationInterface {
  name = 'NetidRegistrationCode1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check`);
    await queryRunner.query(`
      ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
        CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in', 'reauthentication', 'email-change',
                           'social-link', 'netid-recovery', 'netid-registration'))`);
    await queryRunner.query(`
      CREATE TABLE netid_registration (
        id               bytea PRIMARY KEY,
        graduate_id      uuid NOT NULL REFERENCES graduate (id) ON DELETE CASCADE,
        net_id           text NOT NULL,
        display_name     text NOT NULL,
        email_alias      text NOT NULL,
        password_hash    text NOT NULL,
        email            text NOT NULL,
        locale           text NOT NULL,
        code_request_id  uuid NOT NULL,
        created_at       timestamptz NOT NULL,
        expires_at       timestamptz NOT NULL,
        used_at          timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX netid_registration_expires_at_idx ON netid_registration (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE netid_registration`);
    await queryRunner.query(`DELETE FROM one_time_code WHERE purpose = 'netid-registration'`);
    await queryRunner.query(`ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check`);
    await queryRunner.query(`
      ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
        CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in', 'reauthentication', 'email-change',
                           'social-link', 'netid-recovery'))`);
  }
}
