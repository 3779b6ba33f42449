import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing keys (issue 4 item 6): Ed25519 keys that sign passes and gate bundles. The private half is stored
 * only encrypted (AES-256-GCM under KEY_ENCRYPTION_KEY; the row's id, purpose and kid are the associated data).
 * A pass key is published as `next` before it signs, signs while `active`, and stays published while
 * `retired` until the last campus day it signed a pass for has passed. At most one next and one active key per
 * purpose, enforced here so two rotations can never both win.
 */
export class SigningKeys1764240000000 implements MigrationInterface {
  name = 'SigningKeys1764240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE signing_key (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        purpose             text NOT NULL CHECK (purpose IN ('pass', 'bundle')),
        kid                 text NOT NULL CHECK (kid ~ '^[0-9a-f]{16}$'),
        public_key          bytea NOT NULL UNIQUE CHECK (octet_length(public_key) = 32),
        private_key_nonce   bytea NOT NULL CHECK (octet_length(private_key_nonce) = 12),
        private_key_sealed  bytea NOT NULL CHECK (octet_length(private_key_sealed) = 32),
        private_key_tag     bytea NOT NULL CHECK (octet_length(private_key_tag) = 16),
        status              text NOT NULL CHECK (status IN ('next', 'active', 'retired', 'revoked')),
        not_before_day      integer CHECK (not_before_day >= 0),
        not_after_day       integer CHECK (not_after_day >= 0),
        last_signed_day     integer CHECK (last_signed_day >= 0),
        created_at          timestamptz NOT NULL,
        activated_at        timestamptz,
        retired_at          timestamptz,
        revoked_at          timestamptz,
        CHECK (not_after_day IS NULL OR not_before_day IS NULL OR not_before_day <= not_after_day),
        CHECK ((status = 'next') = (activated_at IS NULL) OR status IN ('retired', 'revoked')),
        CHECK ((status = 'retired') = (retired_at IS NOT NULL) OR status = 'revoked'),
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX signing_key_one_active ON signing_key (purpose) WHERE status = 'active'`);
    await queryRunner.query(`CREATE UNIQUE INDEX signing_key_one_next ON signing_key (purpose) WHERE status = 'next'`);
    await queryRunner.query(`CREATE INDEX signing_key_kid_idx ON signing_key (kid)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE signing_key`);
  }
}
