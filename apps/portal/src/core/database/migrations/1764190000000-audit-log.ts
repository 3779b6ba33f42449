import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1764190000000 implements MigrationInterface {
  name = 'AuditLog1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_event (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_type  text NOT NULL CHECK (actor_type IN ('alumnus', 'staff', 'gate', 'system')),
        actor_id    text,
        action      text NOT NULL,
        target_type text,
        target_id   text,
        outcome     text NOT NULL CHECK (outcome IN ('success', 'failure')),
        ip          inet,
        details     jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`CREATE INDEX audit_event_occurred_at_idx ON audit_event (occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_event_actor_idx ON audit_event (actor_type, actor_id, occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_event_action_idx ON audit_event (action, occurred_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_event`);
  }
}
