import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alumni social sign-in (issue 7 item 4): the (issuer, subject) links of alumni accounts to Google, Microsoft,
 * Apple and WeChat accounts, the pending links of a first social sign-in (until the emailed code confirms the
 * registered email), and two columns of oidc_login_state for social sign-ins in progress.
 */
export class SocialSignIn1764290000000 implements MigrationInterface {
  name = 'SocialSignIn1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Social rows are found by their state and bound to the browser by the HMAC of its cookie's handle.
    await queryRunner.query(`ALTER TABLE oidc_login_state ADD COLUMN provider text, ADD COLUMN browser_binding bytea`);
    // One social account links to at most one alumni account: the primary key is (issuer, subject).
    await queryRunner.query(`
      CREATE TABLE social_identity_link (
        id           uuid NOT NULL UNIQUE,
        issuer       text NOT NULL,
        subject      text NOT NULL,
        provider     text NOT NULL CHECK (provider IN ('google', 'microsoft', 'apple', 'wechat')),
        account_id   uuid NOT NULL REFERENCES alumni_account (id) ON DELETE CASCADE,
        email_seen   text,
        display_name text,
        created_at   timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, subject)
      )`);
    await queryRunner.query(`CREATE INDEX social_identity_link_account_idx ON social_identity_link (account_id)`);
    // id is the HMAC of the random handle in the browser's cookie; request_id is the emailed code's request.
    await queryRunner.query(`
      CREATE TABLE social_pending_link (
        id             bytea PRIMARY KEY,
        provider       text NOT NULL,
        issuer         text NOT NULL,
        subject        text NOT NULL,
        email_seen     text,
        email_verified boolean NOT NULL,
        display_name   text,
        request_id     uuid,
        created_at     timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX social_pending_link_expires_at_idx ON social_pending_link (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE social_pending_link, social_identity_link`);
    await queryRunner.query(`DELETE FROM oidc_login_state WHERE provider IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE oidc_login_state DROP COLUMN provider, DROP COLUMN browser_binding`);
  }
}
