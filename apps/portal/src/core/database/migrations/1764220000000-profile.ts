import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * My Profile: what an alumnus keeps about themselves beyond the registry (contact details, career, other
 * education, achievements). Every row belongs to one alumni account and goes with it. `version` counts the
 * writes to a row, so a write made from a stale copy is refused instead of silently overwriting another.
 */
export class Profile1764220000000 implements MigrationInterface {
  name = 'Profile1764220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alumni_profile (
        account_id         uuid PRIMARY KEY REFERENCES alumni_account (id) ON DELETE CASCADE,
        additional_emails  text[] NOT NULL DEFAULT '{}' CHECK (cardinality(additional_emails) <= 5),
        phones             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phones) = 'array' AND jsonb_array_length(phones) <= 5),
        address_lines      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(address_lines) <= 4),
        address_city       text CHECK (char_length(address_city) <= 100),
        address_region     text CHECK (char_length(address_region) <= 100),
        address_country    text CHECK (char_length(address_country) <= 100),
        preferred_language text NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'zh-Hant')),
        news_consent       boolean NOT NULL DEFAULT false,
        version            integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    // Months are `YYYY-MM` text: they sort and compare as text, and no time zone can shift them.
    await queryRunner.query(`
      CREATE TABLE alumni_career_entry (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id  uuid NOT NULL REFERENCES alumni_account (id) ON DELETE CASCADE,
        employer    text NOT NULL CHECK (char_length(employer) BETWEEN 1 AND 200),
        title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        industry    text NOT NULL,
        from_month  text NOT NULL CHECK (from_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        to_month    text CHECK (to_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND to_month >= from_month),
        current     boolean NOT NULL,
        version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT (current AND to_month IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX alumni_career_entry_account_idx ON alumni_career_entry (account_id)`);
    await queryRunner.query(`
      CREATE TABLE alumni_education_entry (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id    uuid NOT NULL REFERENCES alumni_account (id) ON DELETE CASCADE,
        institution   text NOT NULL CHECK (char_length(institution) BETWEEN 1 AND 200),
        qualification text NOT NULL CHECK (char_length(qualification) BETWEEN 1 AND 200),
        from_year     smallint NOT NULL CHECK (from_year BETWEEN 1900 AND 2200),
        to_year       smallint CHECK (to_year BETWEEN 1900 AND 2200 AND to_year >= from_year),
        version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX alumni_education_entry_account_idx ON alumni_education_entry (account_id)`);
    await queryRunner.query(`
      CREATE TABLE alumni_achievement (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id  uuid NOT NULL REFERENCES alumni_account (id) ON DELETE CASCADE,
        title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        year        smallint NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        description text CHECK (char_length(description) <= 2000),
        version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX alumni_achievement_account_idx ON alumni_achievement (account_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alumni_achievement, alumni_education_entry, alumni_career_entry, alumni_profile`);
  }
}
