import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Guest passes may be single-entry (issue 4): off by default, so a guest may go in and out on the day like an
 * alumnus; the AAO can turn it on, and guest passes are then issued with the pass's single-entry flag.
 */
export class GuestSingleEntry1764270000001 implements MigrationInterface {
  name = 'GuestSingleEntry1764270000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE guest_policy ADD COLUMN single_entry boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE guest_policy DROP COLUMN single_entry`);
  }
}
