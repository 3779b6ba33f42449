import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: the AAO alumni work writes this migration. */
export class AlumniAdmin1764370000000 implements MigrationInterface {
  name = 'AlumniAdmin1764370000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
