import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AAO administration: indexes for the audit log's filters and its keyset pagination (newest first by
 * occurred_at, then id), and for listing staff.
 */
export class Admin1764350000000 implements MigrationInterface {
  name = 'Admin1764350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Keyset pages and the export walk (occurred_at, id) downwards: one index serves the order and the cursor.
    await queryRunner.query(`CREATE INDEX audit_event_keyset_idx ON audit_event (occurred_at DESC, id DESC)`);
    await queryRunner.query(`DROP INDEX audit_event_occurred_at_idx`);
    // "gate.*": a prefix match, which the default collation's btree cannot serve.
    await queryRunner.query(`CREATE INDEX audit_event_action_prefix_idx ON audit_event (action text_pattern_ops, occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_event_target_idx ON audit_event (target_id, occurred_at DESC) WHERE target_id IS NOT NULL`);
    // Failures are the rare rows auditors look for.
    await queryRunner.query(`CREATE INDEX audit_event_failure_idx ON audit_event (occurred_at DESC, id DESC) WHERE outcome = 'failure'`);
    // The last-admin rule counts active admins on every role change.
    await queryRunner.query(`CREATE INDEX staff_account_active_role_idx ON staff_account (role) WHERE active`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX staff_account_active_role_idx`);
    await queryRunner.query(`DROP INDEX audit_event_failure_idx`);
    await queryRunner.query(`DROP INDEX audit_event_target_idx`);
    await queryRunner.query(`DROP INDEX audit_event_action_prefix_idx`);
    await queryRunner.query(`CREATE INDEX audit_event_occurred_at_idx ON audit_event (occurred_at DESC)`);
    await queryRunner.query(`DROP INDEX audit_event_keyset_idx`);
  }
}
