import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revoking a compromised pass-signing key (security review): why it was revoked, required with the revocation.
 * A revoked key leaves every gate bundle at once (the status change bumps the bundle version, see the gates
 * migration's signing_key_bundle_update trigger).
 */
export class KeyRevocation1764390000000 implements MigrationInterface {
  name = 'KeyRevocation1764390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE signing_key ADD COLUMN revocation_reason text CHECK (char_length(revocation_reason) BETWEEN 1 AND 500)`,
    );
    // Rows revoked before this column existed (none are expected) keep a reason, so the check below holds.
    await queryRunner.query(`UPDATE signing_key SET revocation_reason = 'not recorded' WHERE status = 'revoked'`);
    await queryRunner.query(
      `ALTER TABLE signing_key ADD CONSTRAINT signing_key_revocation_reason CHECK ((status = 'revoked') = (revocation_reason IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE signing_key DROP CONSTRAINT signing_key_revocation_reason`);
    await queryRunner.query(`ALTER TABLE signing_key DROP COLUMN revocation_reason`);
  }
}
