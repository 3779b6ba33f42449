import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The graduate registry (alumni domain): graduates keyed by student number, and their awards. */
export class GraduateRegistry1764200000000 implements MigrationInterface {
  name = 'GraduateRegistry1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE graduate (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_number   text NOT NULL,
        surname          text NOT NULL,
        given_name       text NOT NULL,
        surname_key      text NOT NULL,
        given_name_key   text NOT NULL,
        date_of_birth    date NOT NULL CHECK (date_of_birth >= DATE '1900-01-01'),
        personal_id_hash bytea CHECK (octet_length(personal_id_hash) = 32),
        email            text,
        student_net_id   text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT graduate_student_number_key UNIQUE (student_number)
      )`);
    // Identity checks look a person up by name and date of birth, then compare the personal ID hash.
    await queryRunner.query(`CREATE INDEX graduate_identity_idx ON graduate (surname_key, given_name_key, date_of_birth)`);
    // A NetID belongs to one student record.
    await queryRunner.query(
      `CREATE UNIQUE INDEX graduate_student_net_id_key ON graduate (student_net_id) WHERE student_net_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE graduate_award (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        graduate_id     uuid NOT NULL REFERENCES graduate (id) ON DELETE CASCADE,
        programme       text NOT NULL,
        award           text NOT NULL,
        institution     text NOT NULL CHECK (institution IN ('PolyU', 'HKCC', 'SPEED')),
        graduation_year smallint NOT NULL CHECK (graduation_year BETWEEN 1937 AND 2200),
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT graduate_award_identity_key UNIQUE (graduate_id, programme, award, graduation_year)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE graduate_award`);
    await queryRunner.query(`DROP TABLE graduate`);
  }
}
