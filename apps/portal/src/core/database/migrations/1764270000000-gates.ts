import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gates and the gate bundle's versions (issue 4 item 8).
 *
 * `gate`: an enrolled gate's identity (Ed25519 public key) and policy. `bundle_change`: one row per change a gate
 * must learn (a pass issued, a pass revoked or cancelled, the signing keys, a gate's policy), written by
 * triggers so no write path can forget to bump the version.
 *
 * Versions come from the single row of `bundle_state`, not a sequence: a sequence hands out numbers at insert
 * time, so a transaction holding version 10 could commit after one holding 11, and a gate that already fetched 11
 * would never see 10 in a delta. Taking the next number by updating one row holds that row's lock until commit,
 * so versions commit in order and every snapshot sees a gap-free prefix. The cost is that writes of passes, keys
 * and policies commit one at a time, which a campus's issuing rate allows.
 */
export class Gates1764270000000 implements MigrationInterface {
  name = 'Gates1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gate (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name                text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        public_key          bytea NOT NULL UNIQUE CHECK (octet_length(public_key) = 32),
        status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        policy              jsonb NOT NULL DEFAULT '{"passKinds":["alumni-day","guest"],"zone":0,"hours":[],"reEntryWindowSeconds":60}',
        created_at          timestamptz NOT NULL,
        revoked_at          timestamptz,
        last_seen_at        timestamptz,
        last_bundle_version bigint,
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE bundle_state (
        id              boolean PRIMARY KEY DEFAULT true CHECK (id),
        current_version bigint NOT NULL,
        pruned_through  bigint NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO bundle_state (current_version, pruned_through) VALUES (0, 0)`);
    await queryRunner.query(`
      CREATE TABLE bundle_change (
        version    bigint PRIMARY KEY,
        kind       text NOT NULL CHECK (kind IN ('pass-issued', 'pass-revoked', 'keys', 'gate-policy')),
        pass_id    uuid,
        campus_day integer,
        created_at timestamptz NOT NULL,
        CHECK ((kind IN ('pass-issued', 'pass-revoked')) = (pass_id IS NOT NULL AND campus_day IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX bundle_change_created_idx ON bundle_change (created_at)`);
    await queryRunner.query(`
      CREATE FUNCTION bundle_record_change(change_kind text, change_pass uuid, change_day integer) RETURNS void
      LANGUAGE sql AS $$
        WITH next AS (UPDATE bundle_state SET current_version = current_version + 1 WHERE id RETURNING current_version)
        INSERT INTO bundle_change (version, kind, pass_id, campus_day, created_at)
        SELECT current_version, change_kind, change_pass, change_day, clock_timestamp() FROM next
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION bundle_pass_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM bundle_record_change('pass-issued', NEW.id, NEW.campus_day);
        ELSE
          PERFORM bundle_record_change('pass-revoked', NEW.id, NEW.campus_day);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER pass_bundle_issued AFTER INSERT ON pass FOR EACH ROW EXECUTE FUNCTION bundle_pass_change()`);
    await queryRunner.query(`
      CREATE TRIGGER pass_bundle_revoked AFTER UPDATE OF status ON pass FOR EACH ROW
      WHEN (OLD.status = 'active' AND NEW.status <> 'active') EXECUTE FUNCTION bundle_pass_change()`);
    await queryRunner.query(`
      CREATE FUNCTION bundle_other_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM bundle_record_change(TG_ARGV[0], NULL, NULL);
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER signing_key_bundle AFTER INSERT OR DELETE ON signing_key FOR EACH ROW EXECUTE FUNCTION bundle_other_change('keys')`,
    );
    // Only what a gate's bundle shows of a key (kid, public key, status, validity days) is a change. Issuing a pass
    // writes last_signed_day on the active key every time; that must not bump the version as a "keys" change.
    await queryRunner.query(`
      CREATE TRIGGER signing_key_bundle_update AFTER UPDATE OF kid, public_key, status, not_before_day, not_after_day ON signing_key
      FOR EACH ROW
      WHEN ((OLD.kid, OLD.public_key, OLD.status, OLD.not_before_day, OLD.not_after_day)
            IS DISTINCT FROM (NEW.kid, NEW.public_key, NEW.status, NEW.not_before_day, NEW.not_after_day))
      EXECUTE FUNCTION bundle_other_change('keys')`);
    await queryRunner.query(`
      CREATE TRIGGER gate_policy_bundle AFTER UPDATE OF policy ON gate FOR EACH ROW
      WHEN (OLD.policy IS DISTINCT FROM NEW.policy) EXECUTE FUNCTION bundle_other_change('gate-policy')`);
    // Keys that exist already count as the first change, so a bundle always has a positive version.
    await queryRunner.query(`SELECT bundle_record_change('keys', NULL, NULL) WHERE EXISTS (SELECT 1 FROM signing_key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER gate_policy_bundle ON gate`);
    await queryRunner.query(`DROP TRIGGER signing_key_bundle_update ON signing_key`);
    await queryRunner.query(`DROP TRIGGER signing_key_bundle ON signing_key`);
    await queryRunner.query(`DROP TRIGGER pass_bundle_revoked ON pass`);
    await queryRunner.query(`DROP TRIGGER pass_bundle_issued ON pass`);
    await queryRunner.query(`DROP FUNCTION bundle_other_change()`);
    await queryRunner.query(`DROP FUNCTION bundle_pass_change()`);
    await queryRunner.query(`DROP FUNCTION bundle_record_change(text, uuid, integer)`);
    await queryRunner.query(`DROP TABLE bundle_change`);
    await queryRunner.query(`DROP TABLE bundle_state`);
    await queryRunner.query(`DROP TABLE gate`);
  }
}
