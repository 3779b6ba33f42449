import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alumni eCard: the card (integer identity id: the 32-bit eCard id passes carry), its photo versions (JPEG
 * bytes in PostgreSQL: small, written in the same transaction as the card, backed up with it) and the
 * AAO-managed list of alumni privileges.
 */
export class Ecard1764250000000 implements MigrationInterface {
  name = 'Ecard1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ecard (
        id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id        uuid NOT NULL UNIQUE REFERENCES alumni_account (id) ON DELETE CASCADE,
        graduate_id       uuid NOT NULL REFERENCES graduate (id),
        alumni_number     text GENERATED ALWAYS AS ('A' || lpad(id::text, 8, '0')) STORED UNIQUE,
        status            text NOT NULL CHECK (status IN ('active', 'revoked')),
        activated_at      timestamptz NOT NULL,
        revoked_at        timestamptz,
        revocation_reason text CHECK (char_length(revocation_reason) <= 1000),
        photo_status      text NOT NULL CHECK (photo_status IN ('pending-review', 'approved', 'rejected')),
        current_photo_id  uuid,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE ecard_photo (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ecard_id         integer NOT NULL REFERENCES ecard (id) ON DELETE CASCADE,
        kind             text NOT NULL CHECK (kind IN ('new', 'changed')),
        card_jpeg        bytea NOT NULL,
        thumb_jpeg       bytea NOT NULL,
        sha256           bytea NOT NULL CHECK (octet_length(sha256) = 32),
        review_status    text NOT NULL CHECK (review_status IN ('pending', 'approved', 'rejected', 'superseded')),
        reviewed_by      uuid REFERENCES staff_account (id),
        reviewed_at      timestamptz,
        rejection_reason text CHECK (char_length(rejection_reason) <= 1000),
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ecard_photo_ecard_idx ON ecard_photo (ecard_id)`);
    await queryRunner.query(`CREATE INDEX ecard_photo_pending_idx ON ecard_photo (created_at) WHERE review_status = 'pending'`);
    await queryRunner.query(
      `ALTER TABLE ecard ADD CONSTRAINT ecard_current_photo_fk FOREIGN KEY (current_photo_id) REFERENCES ecard_photo (id) DEFERRABLE INITIALLY DEFERRED`,
    );
    await queryRunner.query(`
      CREATE TABLE alumni_privilege (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title_en            text NOT NULL CHECK (char_length(title_en) BETWEEN 1 AND 200),
        title_zh_hant       text NOT NULL CHECK (char_length(title_zh_hant) BETWEEN 1 AND 200),
        description_en      text NOT NULL CHECK (char_length(description_en) <= 2000),
        description_zh_hant text NOT NULL CHECK (char_length(description_zh_hant) <= 2000),
        sort_order          integer NOT NULL DEFAULT 0,
        active              boolean NOT NULL DEFAULT true,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ecard DROP CONSTRAINT ecard_current_photo_fk`);
    await queryRunner.query(`DROP TABLE alumni_privilege, ecard_photo, ecard`);
  }
}
