import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campus access passes (issue 4 items 3, 4, 7): every pass the portal signed, alumni day passes and guest
 * passes, with their QR text, status and revocation; and the AAO's guest policy (one row).
 * `ecard_id` is the holder's eCard for a day pass and the inviting (host) eCard for a guest pass.
 */
export class Passes1764260000000 implements MigrationInterface {
  name = 'Passes1764260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pass (
        id               uuid PRIMARY KEY,
        kind             text NOT NULL CHECK (kind IN ('alumni-day', 'guest')),
        ecard_id         integer NOT NULL REFERENCES ecard (id) ON DELETE CASCADE,
        guest_index      smallint CHECK (guest_index BETWEEN 1 AND 255),
        guest_name       text CHECK (char_length(guest_name) BETWEEN 1 AND 100),
        purpose          text CHECK (char_length(purpose) BETWEEN 1 AND 100),
        campus_day       integer NOT NULL CHECK (campus_day BETWEEN 0 AND 65535),
        kid              text NOT NULL,
        qr_text          text NOT NULL CHECK (char_length(qr_text) <= 256),
        status           text NOT NULL CHECK (status IN ('active', 'cancelled', 'revoked')),
        revoked_at       timestamptz,
        reason           text CHECK (char_length(reason) <= 1000),
        share_token_hash bytea UNIQUE CHECK (octet_length(share_token_hash) = 32),
        created_at       timestamptz NOT NULL,
        CHECK ((status = 'active') = (revoked_at IS NULL)),
        CHECK ((kind = 'guest') = (guest_index IS NOT NULL AND guest_name IS NOT NULL AND purpose IS NOT NULL AND share_token_hash IS NOT NULL))
      )`);
    // One active day pass per eCard per campus day: a second request (even a concurrent one) gets the same pass.
    // Only active ones: after a revoked eCard is reinstated the same day, it gets a new pass.
    await queryRunner.query(
      `CREATE UNIQUE INDEX pass_alumni_day_uq ON pass (ecard_id, campus_day) WHERE kind = 'alumni-day' AND status = 'active'`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX pass_guest_index_uq ON pass (ecard_id, campus_day, guest_index) WHERE kind = 'guest'`);
    await queryRunner.query(`CREATE INDEX pass_revoked_day_idx ON pass (campus_day) WHERE status <> 'active'`);
    await queryRunner.query(`
      CREATE TABLE guest_policy (
        id                 boolean PRIMARY KEY DEFAULT true CHECK (id),
        max_days_ahead     integer NOT NULL CHECK (max_days_ahead BETWEEN 0 AND 365),
        max_guests_per_day integer NOT NULL CHECK (max_guests_per_day BETWEEN 1 AND 255),
        purposes           text[] NOT NULL CHECK (cardinality(purposes) >= 1),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `INSERT INTO guest_policy (max_days_ahead, max_guests_per_day, purposes)
       VALUES (14, 5, ARRAY['Visit', 'Campus tour', 'Event', 'Library', 'Sports facilities', 'Dining', 'Meeting'])`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE guest_policy`);
    await queryRunner.query(`DROP TABLE pass`);
  }
}
