import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { mapGraduate, type Graduate } from './dto/graduate.dto.js';
import { hongKongToday, isCalendarDate, nameKey } from './graduate-names.js';
import { isValidHkid, normaliseHkid } from './hkid.js';
import { PersonalIdHasher } from './personal-id-hasher.js';
import { openRegistryCsv } from './registry-csv.js';
import { validateRegistryRow, type RegistryRow } from './registry-row.js';
import {
  RegistryRepository,
  type AwardRecord,
  type ColumnsPresent,
  type GraduateRecord,
  type RegistryImportWriter,
} from './registry.repository.js';

export interface RegistryImportOptions {
  /** Default 50 MB. */
  maxBytes?: number;
  /** Characters per row; default 4096. */
  maxRowLength?: number;
  /** Rows per INSERT; default 500. */
  batchSize?: number;
  /** Rejected rows listed in the report (all are counted); default 1000. */
  maxListedRejections?: number;
  /** `YYYY-MM-DD`; default today in Hong Kong. */
  today?: string;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface RegistryImportReport {
  /** Data rows read (header and blank rows not counted). */
  rowsRead: number;
  imported: {
    /** Rows written (each an award of a graduate). */
    rows: number;
    graduates: { inserted: number; updated: number };
    awards: { inserted: number; updated: number };
  };
  /** The first `maxListedRejections` rejected rows, in file order. */
  rejected: RejectedRow[];
  rejectedCount: number;
}

export interface GraduateIdentityQuery {
  surname: string;
  givenName: string;
  /** `YYYY-MM-DD` */
  dateOfBirth: string;
  /** HKID in any accepted spelling; when given it must match the hash on record. */
  personalId?: string;
}

export const REGISTRY_IMPORT_DEFAULTS = {
  maxBytes: 50 * 1024 * 1024,
  maxRowLength: 4096,
  batchSize: 500,
  maxListedRejections: 1000,
} as const;

interface PendingRow {
  line: number;
  graduate: GraduateRecord;
  award: AwardRecord;
}

/** The graduate registry: the university's record of who graduated, imported by the AAO, read by identity checks. */
@Injectable()
export class RegistryService {
  constructor(
    private readonly repository: RegistryRepository,
    private readonly hasher: PersonalIdHasher,
  ) {}

  /**
   * Imports a registry CSV from a stream (a file, or later an upload). Every row is validated; bad rows are
   * reported with their line and reason, good rows are written in batches. The whole import is one
   * transaction, and re-importing a file updates rows, never duplicates them. A file that cannot be read as
   * a whole (too large, malformed, bad header) throws RegistryImportException and writes nothing.
   */
  async importCsv(source: Readable, options: RegistryImportOptions = {}): Promise<RegistryImportReport> {
    const settings = { ...REGISTRY_IMPORT_DEFAULTS, ...options };
    const today = options.today ?? hongKongToday();
    const report: RegistryImportReport = {
      rowsRead: 0,
      imported: { rows: 0, graduates: { inserted: 0, updated: 0 }, awards: { inserted: 0, updated: 0 } },
      rejected: [],
      rejectedCount: 0,
    };
    const reject = (line: number, reason: string) => {
      report.rejectedCount++;
      if (report.rejected.length < settings.maxListedRejections) report.rejected.push({ line, reason });
    };

    const csv = await openRegistryCsv(source, { maxBytes: settings.maxBytes, maxRowLength: settings.maxRowLength });
    const present: ColumnsPresent = {
      personalId: csv.optionalColumns.has('personal_id'),
      email: csv.optionalColumns.has('email'),
      studentNetId: csv.optionalColumns.has('student_netid'),
      polyuAward: csv.optionalColumns.has('polyu_award'),
    };
    // Per student number: the first line and a digest of the personal details, so the rows of one person
    // must agree; per NetID: its student number. Memory grows with people, not with the file.
    const people = new Map<string, { line: number; digest: string }>();
    const netIdOwners = new Map<string, string>();

    await this.repository.runImport(async (writer) => {
      let batch: PendingRow[] = [];
      // One batch is written while the next is read and validated; writes stay one at a time, in order.
      let writing: Promise<void> = Promise.resolve();
      const write = async (rows: PendingRow[]) => {
        await writing;
        writing = this.writeBatch(writer, rows, present, report, reject);
        // Handled here so that a failure surfaces at the next await instead of as an unhandled rejection.
        writing.catch(() => undefined);
      };
      try {
        for await (const item of csv.rows) {
          report.rowsRead++;
          if (item.problem !== undefined) {
            reject(item.line, item.problem);
            continue;
          }
          const validation = validateRegistryRow(item.values, { today });
          if (!validation.ok) {
            reject(item.line, validation.reason);
            continue;
          }
          const pending = this.toPending(item.line, validation.row);
          const problem = checkAgainstFile(pending, people, netIdOwners);
          if (problem) {
            reject(item.line, problem);
            continue;
          }
          batch.push(pending);
          if (batch.length >= settings.batchSize) {
            await write(batch);
            batch = [];
          }
        }
        await write(batch);
        await writing;
      } finally {
        // Never leave the transaction while a write still runs on its connection.
        await writing.catch(() => undefined);
      }
    });
    // Rows refused while their batch was written are reported a little late: put the list in file order.
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
  }

  /**
   * The graduate with these details, or null when none matches or more than one does (the AAO sorts those
   * out by hand). Names compare case- and space-insensitively (NFKC); the date of birth exactly; a given
   * personal ID must be a valid HKID whose hash matches the one on record.
   */
  async findGraduateByIdentity(query: GraduateIdentityQuery): Promise<Graduate | null> {
    const surnameKey = nameKey(query.surname);
    const givenNameKey = nameKey(query.givenName);
    if (!surnameKey || !givenNameKey || !isCalendarDate(query.dateOfBirth)) return null;
    let hash: Buffer | null = null;
    if (query.personalId !== undefined) {
      const normalised = normaliseHkid(query.personalId);
      if (!normalised || !isValidHkid(normalised)) return null;
      hash = this.hasher.hash(normalised);
    }
    const candidates = await this.repository.findByIdentity(surnameKey, givenNameKey, query.dateOfBirth);
    const matches = hash
      ? candidates.filter((candidate) => candidate.personalIdHash && this.hasher.same(candidate.personalIdHash, hash))
      : candidates;
    return matches.length === 1 ? mapGraduate(matches[0]) : null;
  }

  /** The graduate whose student NetID this is (case-insensitive), or null. */
  async findByStudentNetId(netId: string): Promise<Graduate | null> {
    const normalised = netId.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9._-]{0,31}$/.test(normalised)) return null;
    const graduate = await this.repository.findByStudentNetId(normalised);
    return graduate ? mapGraduate(graduate) : null;
  }

  /** Hashes the personal ID at once: the clear number goes no further than this. */
  private toPending(line: number, row: RegistryRow): PendingRow {
    return {
      line,
      graduate: {
        studentNumber: row.studentNumber,
        surname: row.surname,
        givenName: row.givenName,
        surnameKey: nameKey(row.surname),
        givenNameKey: nameKey(row.givenName),
        dateOfBirth: row.dateOfBirth,
        personalIdHash: row.personalId ? this.hasher.hash(row.personalId) : null,
        email: row.email,
        studentNetId: row.studentNetId,
      },
      award: {
        studentNumber: row.studentNumber,
        programme: row.programme,
        award: row.award,
        institution: row.institution,
        graduationYear: row.graduationYear,
        polyuAward: row.polyuAward,
      },
    };
  }

  private async writeBatch(
    writer: RegistryImportWriter,
    batch: PendingRow[],
    present: ColumnsPresent,
    report: RegistryImportReport,
    reject: (line: number, reason: string) => void,
  ): Promise<void> {
    if (batch.length === 0) return;
    // A NetID already held by another student in the registry cannot move silently: those rows are refused.
    const owners = await writer.netIdOwners([...new Set(batch.flatMap((pending) => pending.graduate.studentNetId ?? []))]);
    const accepted = batch.filter((pending) => {
      const owner = pending.graduate.studentNetId && owners.get(pending.graduate.studentNetId);
      if (owner && owner !== pending.graduate.studentNumber) {
        reject(pending.line, `student_netid ${pending.graduate.studentNetId} already belongs to student_number ${owner} in the registry`);
        return false;
      }
      return true;
    });
    // One statement may touch a row only once: one graduate per student number, one award per key.
    const graduates = new Map<string, GraduateRecord>();
    const awards = new Map<string, AwardRecord>();
    for (const { graduate, award } of accepted) {
      if (!graduates.has(graduate.studentNumber)) graduates.set(graduate.studentNumber, graduate);
      awards.set(JSON.stringify([award.studentNumber, award.programme, award.award, award.graduationYear]), award);
    }
    const counts = await writer.upsert([...graduates.values()], [...awards.values()], present);
    report.imported.rows += accepted.length;
    report.imported.graduates.inserted += counts.graduatesInserted;
    report.imported.graduates.updated += counts.graduatesUpdated;
    report.imported.awards.inserted += counts.awardsInserted;
    report.imported.awards.updated += counts.awardsUpdated;
  }
}

/**
 * The rows of one student must agree on the personal details, and a NetID belongs to one student. Records
 * the row as seen; returns why it is refused otherwise.
 */
function checkAgainstFile(
  pending: PendingRow,
  people: Map<string, { line: number; digest: string }>,
  netIdOwners: Map<string, string>,
): string | undefined {
  const { studentNumber, studentNetId } = pending.graduate;
  const digest = personDigest(pending.graduate);
  const seen = people.get(studentNumber);
  if (seen && seen.digest !== digest) {
    return `student_number ${studentNumber}: personal details differ from line ${seen.line} (rows of one student must agree)`;
  }
  if (studentNetId) {
    const owner = netIdOwners.get(studentNetId);
    if (owner !== undefined && owner !== studentNumber)
      return `student_netid ${studentNetId} is already given to student_number ${owner} in this file`;
    netIdOwners.set(studentNetId, studentNumber);
  }
  if (!seen) people.set(studentNumber, { line: pending.line, digest });
  return undefined;
}

/** A short digest of a person's details (the personal ID only as its hash) to check that a student's rows agree. */
function personDigest(graduate: GraduateRecord): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        graduate.surname,
        graduate.givenName,
        graduate.dateOfBirth,
        graduate.personalIdHash?.toString('base64') ?? null,
        graduate.email,
        graduate.studentNetId,
      ]),
    )
    .digest('base64')
    .slice(0, 22);
}
