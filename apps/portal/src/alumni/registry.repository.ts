import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { GraduateEntity } from './graduate.entity.js';
import type { Institution } from './registry-row.js';
import { RegistryImportException } from './registry.exception.js';

/** A graduate as the import writes it: names as given plus their comparison keys, the personal ID only hashed. */
export interface GraduateRecord {
  studentNumber: string;
  surname: string;
  givenName: string;
  surnameKey: string;
  givenNameKey: string;
  dateOfBirth: string;
  personalIdHash: Buffer | null;
  email: string | null;
  studentNetId: string | null;
}

export interface AwardRecord {
  studentNumber: string;
  programme: string;
  award: string;
  institution: Institution;
  graduationYear: number;
  polyuAward: boolean;
}

/** Which optional columns the file had: an absent column keeps what is stored; a present but empty one clears it. */
export interface ColumnsPresent {
  personalId: boolean;
  email: boolean;
  studentNetId: boolean;
  polyuAward?: boolean;
}

export interface UpsertCounts {
  graduatesInserted: number;
  graduatesUpdated: number;
  awardsInserted: number;
  awardsUpdated: number;
}

// Any constant of ours: one registry import at a time (two would wait on each other's rows anyway).
const IMPORT_LOCK = 0x43505247;

/** Writes of one import, inside its transaction. */
export class RegistryImportWriter {
  constructor(private readonly manager: EntityManager) {}

  /** student_net_id → student_number for those NetIDs already in the registry (this import's earlier batches included). */
  async netIdOwners(netIds: string[]): Promise<Map<string, string>> {
    if (netIds.length === 0) return new Map();
    const rows: { student_net_id: string; student_number: string }[] = await this.manager.query(
      `SELECT student_net_id, student_number FROM graduate WHERE student_net_id = ANY($1::text[])`,
      [netIds],
    );
    return new Map(rows.map((row) => [row.student_net_id, row.student_number]));
  }

  /**
   * One batch: graduates (distinct student numbers) then their awards (distinct per graduate, programme,
   * award and year), each as one INSERT … ON CONFLICT DO UPDATE over arrays. A row is only rewritten when
   * something in it changed, so a repeated import leaves updated_at alone and counts nothing as updated.
   */
  async upsert(graduates: GraduateRecord[], awards: AwardRecord[], present: ColumnsPresent): Promise<UpsertCounts> {
    const graduateRows: { inserted: boolean }[] = graduates.length
      ? await this.manager.query(
          `
      INSERT INTO graduate AS g
        (student_number, surname, given_name, surname_key, given_name_key, date_of_birth, personal_id_hash, email, student_net_id)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::bytea[], $8::text[], $9::text[])
      ON CONFLICT (student_number) DO UPDATE SET
        surname = excluded.surname,
        given_name = excluded.given_name,
        surname_key = excluded.surname_key,
        given_name_key = excluded.given_name_key,
        date_of_birth = excluded.date_of_birth,
        personal_id_hash = CASE WHEN $10::boolean THEN excluded.personal_id_hash ELSE g.personal_id_hash END,
        email = CASE WHEN $11::boolean THEN excluded.email ELSE g.email END,
        student_net_id = CASE WHEN $12::boolean THEN excluded.student_net_id ELSE g.student_net_id END,
        updated_at = now()
      WHERE (g.surname, g.given_name, g.date_of_birth) IS DISTINCT FROM (excluded.surname, excluded.given_name, excluded.date_of_birth)
         OR ($10::boolean AND g.personal_id_hash IS DISTINCT FROM excluded.personal_id_hash)
         OR ($11::boolean AND g.email IS DISTINCT FROM excluded.email)
         OR ($12::boolean AND g.student_net_id IS DISTINCT FROM excluded.student_net_id)
      RETURNING (xmax = 0) AS inserted`,
          [
            graduates.map((g) => g.studentNumber),
            graduates.map((g) => g.surname),
            graduates.map((g) => g.givenName),
            graduates.map((g) => g.surnameKey),
            graduates.map((g) => g.givenNameKey),
            graduates.map((g) => g.dateOfBirth),
            graduates.map((g) => g.personalIdHash),
            graduates.map((g) => g.email),
            graduates.map((g) => g.studentNetId),
            present.personalId,
            present.email,
            present.studentNetId,
          ],
        )
      : [];
    const awardRows: { inserted: boolean }[] = awards.length
      ? await this.manager.query(
          `
      WITH g AS (SELECT id, student_number FROM graduate WHERE student_number = ANY($1::text[]))
      INSERT INTO graduate_award AS a (graduate_id, programme, award, institution, graduation_year, polyu_award)
      SELECT g.id, r.programme, r.award, r.institution, r.graduation_year, r.polyu_award
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::boolean[])
        AS r (student_number, programme, award, institution, graduation_year, polyu_award)
      -- Through the index (= ANY): a plain join with unnest() may hash-join against the whole table, per batch.
      JOIN g ON g.student_number = r.student_number
      ON CONFLICT (graduate_id, programme, award, graduation_year) DO UPDATE SET
        institution = excluded.institution,
        polyu_award = CASE WHEN $7::boolean OR excluded.institution = 'PolyU' THEN excluded.polyu_award ELSE a.polyu_award END,
        updated_at = now()
      WHERE a.institution IS DISTINCT FROM excluded.institution
        OR (($7::boolean OR excluded.institution = 'PolyU') AND a.polyu_award IS DISTINCT FROM excluded.polyu_award)
      RETURNING (xmax = 0) AS inserted`,
          [
            awards.map((a) => a.studentNumber),
            awards.map((a) => a.programme),
            awards.map((a) => a.award),
            awards.map((a) => a.institution),
            awards.map((a) => a.graduationYear),
            awards.map((a) => a.polyuAward),
            present.polyuAward ?? false,
          ],
        )
      : [];
    const inserted = (rows: { inserted: boolean }[]) => rows.filter((row) => row.inserted).length;
    return {
      graduatesInserted: inserted(graduateRows),
      graduatesUpdated: graduateRows.length - inserted(graduateRows),
      awardsInserted: inserted(awardRows),
      awardsUpdated: awardRows.length - inserted(awardRows),
    };
  }
}

@Injectable()
export class RegistryRepository {
  constructor(@InjectRepository(GraduateEntity) private readonly graduates: Repository<GraduateEntity>) {}

  /**
   * Runs a whole import in one transaction: a file that turns out malformed halfway leaves nothing behind.
   * Refuses to start while another import holds the lock.
   */
  runImport<T>(work: (writer: RegistryImportWriter) => Promise<T>): Promise<T> {
    return this.graduates.manager.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [IMPORT_LOCK]);
      if (!locked) {
        throw new RegistryImportException('import-in-progress', 'Another registry import is running; try again when it has finished.');
      }
      return work(new RegistryImportWriter(manager));
    });
  }

  /** Graduates with these name keys and date of birth, with their awards and personal ID hash. */
  findByIdentity(surnameKey: string, givenNameKey: string, dateOfBirth: string): Promise<GraduateEntity[]> {
    return this.withAwards()
      .where('graduate.surnameKey = :surnameKey', { surnameKey })
      .andWhere('graduate.givenNameKey = :givenNameKey', { givenNameKey })
      .andWhere('graduate.dateOfBirth = :dateOfBirth', { dateOfBirth })
      .getMany();
  }

  /** @param netId lower case */
  findByStudentNetId(netId: string): Promise<GraduateEntity | null> {
    return this.withAwards().where('graduate.studentNetId = :netId', { netId }).getOne();
  }

  private withAwards() {
    return this.graduates
      .createQueryBuilder('graduate')
      .addSelect('graduate.personalIdHash')
      .leftJoinAndSelect('graduate.awards', 'award')
      .orderBy('graduate.studentNumber', 'ASC')
      .addOrderBy('award.graduationYear', 'ASC');
  }
}
