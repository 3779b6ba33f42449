import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-time code purposes of their own for linking a social account and for NetID recovery, so a code sent for one
 * flow can never be redeemed in another (e.g. a linking code at the email sign-in).
 */
export class CodePurposes1764310000000 implements MigrationInterface {
  name = 'CodePurposes1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check`);
    await queryRunner.query(`
      ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
        CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in', 'reauthentication', 'email-change',
                           'social-link', 'netid-recovery'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM one_time_code WHERE purpose IN ('social-link', 'netid-recovery')`);
    await queryRunner.query(`ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check`);
    await queryRunner.query(`
      ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
        CHECK (purpose IN ('sign-in', 'email-verification', 'staff-sign-in', 'reauthentication', 'email-change'))`);
  }
}
