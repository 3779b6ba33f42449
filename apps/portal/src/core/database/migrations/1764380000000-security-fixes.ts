import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security review fixes.
 *
 * - The entry search by person matches guest names anywhere (`ILIKE '%text%'`): a trigram GIN index on
 *   `pass.guest_name` serves it, created when pg_trgm is installed (migration AlumniAdmin installs it where the
 *   server allows; without it the search still works, by a scan). Graduates are matched through the AAO search's
 *   trigram-indexed name expression.
 * - A new alert kind, 'forged-passes' (QR codes the portal did not sign, presented at a gate).
 */
export class SecurityFixes1764380000000 implements MigrationInterface {
  name = 'SecurityFixes1764380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const trigram: unknown[] = await queryRunner.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
    if (trigram.length > 0) {
      await queryRunner.query(
        `CREATE INDEX security_pass_guest_name_trgm_idx ON pass USING gin (guest_name gin_trgm_ops) WHERE guest_name IS NOT NULL`,
      );
    }
    await queryRunner.query(`ALTER TABLE security_alert DROP CONSTRAINT security_alert_kind_check`);
    await queryRunner.query(`
      ALTER TABLE security_alert ADD CONSTRAINT security_alert_kind_check
        CHECK (kind IN ('gate-offline', 'clock-untrusted', 'forced-passage', 'sensor-fault', 'repeated-denials',
                        'revoked-before-scan', 'two-gates', 'manual-open', 'fire-input', 'outbox-filling', 'forged-passes'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM security_alert WHERE kind = 'forged-passes'`);
    await queryRunner.query(`ALTER TABLE security_alert DROP CONSTRAINT security_alert_kind_check`);
    await queryRunner.query(`
      ALTER TABLE security_alert ADD CONSTRAINT security_alert_kind_check
        CHECK (kind IN ('gate-offline', 'clock-untrusted', 'forced-passage', 'sensor-fault', 'repeated-denials',
                        'revoked-before-scan', 'two-gates', 'manual-open', 'fire-input', 'outbox-filling'))`);
    await queryRunner.query(`DROP INDEX IF EXISTS security_pass_guest_name_trgm_idx`);
  }
}
