import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AAO alumni search (issue 6 item 4). Names are matched anywhere in the name text (`%word%`, case-insensitive through
 * the lower-case name keys): a trigram GIN index (pg_trgm) serves that when the extension can be created here (it is
 * a trusted extension from PostgreSQL 13: a database owner may create it); without it the search still works, by a
 * scan. Identifiers (student number, NetIDs, emails, alumni number) are matched from their start: pattern-ops
 * btree indexes serve `LIKE 'prefix%'` whatever the database's collation.
 *
 * The name text is `surname given` plus both run together without spaces, so "tai man chan", "Chan Tai",
 * "chantaiman" and "陳大文" all match; the same expression is used by the search (alumni-admin.repository.ts).
 */
export const ALUMNI_NAME_SEARCH_EXPRESSION = `(surname_key || ' ' || given_name_key || ' ' || replace(surname_key || given_name_key, ' ', '') || ' ' || replace(given_name_key || surname_key, ' ', ''))`;

export class AlumniAdmin1764370000000 implements MigrationInterface {
  name = 'AlumniAdmin1764370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await this.createTrigramExtension(queryRunner)) {
      await queryRunner.query(
        `CREATE INDEX aao_graduate_name_search_trgm_idx ON graduate USING gin (${ALUMNI_NAME_SEARCH_EXPRESSION} gin_trgm_ops)`,
      );
    }
    await queryRunner.query(`CREATE INDEX aao_graduate_student_number_prefix_idx ON graduate (student_number text_pattern_ops)`);
    await queryRunner.query(
      `CREATE INDEX aao_graduate_student_net_id_prefix_idx ON graduate (student_net_id text_pattern_ops) WHERE student_net_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX aao_graduate_email_prefix_idx ON graduate (lower(email) text_pattern_ops) WHERE email IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX aao_graduate_name_order_idx ON graduate (surname_key, given_name_key, id)`);
    await queryRunner.query(`CREATE INDEX aao_alumni_account_email_prefix_idx ON alumni_account (email text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX aao_alumni_netid_net_id_prefix_idx ON alumni_netid (net_id text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX aao_ecard_graduate_idx ON ecard (graduate_id)`);
    await queryRunner.query(
      `CREATE INDEX aao_gate_event_pass_ecard_idx ON gate_event (pass_ecard_id, occurred_at DESC) WHERE pass_ecard_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX aao_pass_ecard_created_idx ON pass (ecard_id, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS aao_graduate_name_search_trgm_idx`);
    await queryRunner.query(`
      DROP INDEX aao_graduate_student_number_prefix_idx, aao_graduate_student_net_id_prefix_idx, aao_graduate_email_prefix_idx,
        aao_graduate_name_order_idx, aao_alumni_account_email_prefix_idx, aao_alumni_netid_net_id_prefix_idx, aao_ecard_graduate_idx,
        aao_gate_event_pass_ecard_idx, aao_pass_ecard_created_idx`);
    // The extension stays: other objects may have come to use it.
  }

  /** True when pg_trgm is (now) installed; a server without it, or a role not allowed to create it, gets false. */
  private async createTrigramExtension(queryRunner: QueryRunner): Promise<boolean> {
    const available: unknown[] = await queryRunner.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (available.length === 0) return false;
    const inTransaction = queryRunner.isTransactionActive;
    if (inTransaction) await queryRunner.query(`SAVEPOINT alumni_admin_trgm`);
    try {
      await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      if (inTransaction) await queryRunner.query(`RELEASE SAVEPOINT alumni_admin_trgm`);
      return true;
    } catch {
      if (inTransaction) await queryRunner.query(`ROLLBACK TO SAVEPOINT alumni_admin_trgm`);
      return false;
    }
  }
}
