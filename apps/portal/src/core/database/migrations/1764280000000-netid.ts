import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alumni NetID (issue 7, items 1–3): whether an HKCC/SPEED award is a PolyU award (such graduates may register
 * an Alumni NetID), the registered Alumni NetIDs with their argon2id NetPassword hashes, the tickets of the
 * "Forgot NetID / NetPassword" flows, the ALTCHA challenges already used (no replay) and the AAO's
 * confirmation of which NetID is a person's Alumni NetID.
 */
export class Netid1764280000000 implements MigrationInterface {
  name = 'Netid1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Registry: true when an HKCC or SPEED award was conferred by PolyU; PolyU awards are PolyU awards anyway.
    await queryRunner.query(`ALTER TABLE graduate_award ADD COLUMN polyu_award boolean NOT NULL DEFAULT false`);
    // One registered Alumni NetID per graduate (pre-2011 PolyU or HKCC/SPEED with a PolyU award). net_id is
    // derived from the display name (see netid-rules.ts), so it and the alias are unique with it.
    await queryRunner.query(`
      CREATE TABLE alumni_netid (
        net_id            text PRIMARY KEY,
        graduate_id       uuid NOT NULL REFERENCES graduate (id) ON DELETE CASCADE,
        account_id        uuid NOT NULL REFERENCES alumni_account (id) ON DELETE CASCADE,
        display_name      text NOT NULL,
        email_alias       text NOT NULL,
        password_hash     text NOT NULL,
        created_at        timestamptz NOT NULL,
        password_set_at   timestamptz NOT NULL,
        CONSTRAINT alumni_netid_graduate_key UNIQUE (graduate_id),
        CONSTRAINT alumni_netid_email_alias_key UNIQUE (email_alias)
      )`);
    await queryRunner.query(`CREATE INDEX alumni_netid_account_idx ON alumni_netid (account_id)`);
    // "Forgot NetID" / "Forgot NetPassword": after the details check, bound to the emailed code's request.
    await queryRunner.query(`
      CREATE TABLE netid_ticket (
        id               bytea PRIMARY KEY,
        purpose          text NOT NULL CHECK (purpose IN ('forgot-netid', 'forgot-password')),
        graduate_id      uuid NOT NULL REFERENCES graduate (id) ON DELETE CASCADE,
        account_id       uuid NOT NULL REFERENCES alumni_account (id) ON DELETE CASCADE,
        net_id           text NOT NULL,
        code_request_id  uuid NOT NULL,
        created_at       timestamptz NOT NULL,
        expires_at       timestamptz NOT NULL,
        used_at          timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX netid_ticket_expires_at_idx ON netid_ticket (expires_at)`);
    // Signatures of ALTCHA challenges already solved, kept until the challenge expires.
    await queryRunner.query(`
      CREATE TABLE captcha_used (
        signature   text PRIMARY KEY,
        expires_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX captcha_used_expires_at_idx ON captcha_used (expires_at)`);
    // The AAO's answer to "which one is my Alumni NetID?" (FAQ 8) for a person with several NetIDs.
    await queryRunner.query(`
      CREATE TABLE alumni_netid_confirmation (
        graduate_id   uuid PRIMARY KEY REFERENCES graduate (id) ON DELETE CASCADE,
        net_id        text NOT NULL,
        confirmed_by  uuid NOT NULL,
        confirmed_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alumni_netid_confirmation`);
    await queryRunner.query(`DROP TABLE captcha_used`);
    await queryRunner.query(`DROP TABLE netid_ticket`);
    await queryRunner.query(`DROP TABLE alumni_netid`);
    await queryRunner.query(`ALTER TABLE graduate_award DROP COLUMN polyu_award`);
  }
}
