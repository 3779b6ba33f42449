import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';

/** A registered Alumni NetID (the password hash stays in here and in NetIdSignInService). */
export interface AlumniNetIdRow {
  netId: string;
  graduateId: string;
  accountId: string;
  displayName: string;
  emailAlias: string;
  passwordHash: string;
  createdAt: Date;
}

export type NetIdTicketPurpose = 'forgot-netid' | 'forgot-password';

export interface NetIdTicketRow {
  id: Buffer;
  purpose: NetIdTicketPurpose;
  graduateId: string;
  accountId: string;
  netId: string;
  codeRequestId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A registration waiting for the code sent to the email on record (the NetID does not exist yet). */
export interface NetIdRegistrationRow {
  id: Buffer;
  graduateId: string;
  netId: string;
  displayName: string;
  emailAlias: string;
  passwordHash: string;
  /** Where the code went: the account's email, or the registry's when there is no account yet. */
  email: string;
  locale: 'en' | 'zh-Hant';
  codeRequestId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** One NetID of a person, as the AAO sees it. */
export interface PersonNetId {
  netId: string;
  kind: 'student' | 'alumni';
  graduateId: string;
  studentNumber: string;
}

/** Which unique key a failed insert hit. */
export type NetIdConflict = 'graduate' | 'netid' | null;

const NETID_COLUMNS = `net_id AS "netId", graduate_id AS "graduateId", account_id AS "accountId", display_name AS "displayName",
  email_alias AS "emailAlias", password_hash AS "passwordHash", created_at AS "createdAt"`;

/** Alumni NetIDs, their recovery tickets, used captcha challenges and the AAO's confirmations (plain SQL). */
@Injectable()
export class NetIdRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByNetId(netId: string): Promise<AlumniNetIdRow | null> {
    const rows: AlumniNetIdRow[] = await this.dataSource.query(`SELECT ${NETID_COLUMNS} FROM alumni_netid WHERE net_id = $1`, [netId]);
    return rows[0] ?? null;
  }

  async findByGraduateId(graduateId: string): Promise<AlumniNetIdRow | null> {
    const rows: AlumniNetIdRow[] = await this.dataSource.query(`SELECT ${NETID_COLUMNS} FROM alumni_netid WHERE graduate_id = $1`, [
      graduateId,
    ]);
    return rows[0] ?? null;
  }

  /** True when the NetID (or its alias) is taken: an Alumni NetID already registered, or a Student NetID in the registry. */
  async netIdTaken(netId: string, emailAlias: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM alumni_netid WHERE net_id = $1 OR email_alias = $2
       UNION ALL SELECT 1 FROM graduate WHERE student_net_id = $1 LIMIT 1`,
      [netId, emailAlias],
    );
    return rows.length > 0;
  }

  /** Inserts the NetID; the database's unique keys decide a race. Returns the key that was already taken, if any. */
  async insert(row: Omit<AlumniNetIdRow, 'createdAt'>, now: Date): Promise<NetIdConflict> {
    try {
      await this.dataSource.query(
        `INSERT INTO alumni_netid (net_id, graduate_id, account_id, display_name, email_alias, password_hash, created_at, password_set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
        [row.netId, row.graduateId, row.accountId, row.displayName, row.emailAlias, row.passwordHash, now],
      );
      return null;
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === null) throw error;
      return constraint === 'alumni_netid_graduate_key' ? 'graduate' : 'netid';
    }
  }

  async setPassword(netId: string, passwordHash: string, now: Date): Promise<void> {
    await this.dataSource.query(`UPDATE alumni_netid SET password_hash = $2, password_set_at = $3 WHERE net_id = $1`, [
      netId,
      passwordHash,
      now,
    ]);
  }

  async insertTicket(ticket: Omit<NetIdTicketRow, 'usedAt'>): Promise<void> {
    // Expired tickets are dropped here (there are few: one per Forgot NetID / NetPassword request).
    await this.dataSource.query(`DELETE FROM netid_ticket WHERE expires_at < $1`, [ticket.createdAt]);
    await this.dataSource.query(
      `INSERT INTO netid_ticket (id, purpose, graduate_id, account_id, net_id, code_request_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        ticket.id,
        ticket.purpose,
        ticket.graduateId,
        ticket.accountId,
        ticket.netId,
        ticket.codeRequestId,
        ticket.createdAt,
        ticket.expiresAt,
      ],
    );
  }

  async findTicket(id: Buffer): Promise<NetIdTicketRow | null> {
    const rows: NetIdTicketRow[] = await this.dataSource.query(
      `SELECT id, purpose, graduate_id AS "graduateId", account_id AS "accountId", net_id AS "netId",
              code_request_id AS "codeRequestId", created_at AS "createdAt", expires_at AS "expiresAt", used_at AS "usedAt"
       FROM netid_ticket WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Marks the ticket used; false when it already was (two requests racing with one ticket). */
  async markTicketUsed(id: Buffer, now: Date): Promise<boolean> {
    // Through a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH used AS (UPDATE netid_ticket SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM used`,
      [id, now],
    );
    return rows[0]?.n === 1;
  }

  async insertRegistration(row: Omit<NetIdRegistrationRow, 'usedAt'>): Promise<void> {
    // Expired pending registrations are dropped here (one per registration that passed the details check).
    await this.dataSource.query(`DELETE FROM netid_registration WHERE expires_at < $1`, [row.createdAt]);
    await this.dataSource.query(
      `INSERT INTO netid_registration (id, graduate_id, net_id, display_name, email_alias, password_hash, email, locale,
         code_request_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.id,
        row.graduateId,
        row.netId,
        row.displayName,
        row.emailAlias,
        row.passwordHash,
        row.email,
        row.locale,
        row.codeRequestId,
        row.createdAt,
        row.expiresAt,
      ],
    );
  }

  async findRegistration(id: Buffer): Promise<NetIdRegistrationRow | null> {
    const rows: NetIdRegistrationRow[] = await this.dataSource.query(
      `SELECT id, graduate_id AS "graduateId", net_id AS "netId", display_name AS "displayName", email_alias AS "emailAlias",
              password_hash AS "passwordHash", email, locale, code_request_id AS "codeRequestId", created_at AS "createdAt",
              expires_at AS "expiresAt", used_at AS "usedAt"
       FROM netid_registration WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Marks the pending registration used; false when it already was (two requests racing with one ticket). */
  async markRegistrationUsed(id: Buffer, now: Date): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH used AS (UPDATE netid_registration SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM used`,
      [id, now],
    );
    return rows[0]?.n === 1;
  }

  /** Records a captcha challenge as used; false when it already was (a replayed solution). Drops expired ones. */
  async useCaptcha(signature: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.dataSource.query(`DELETE FROM captcha_used WHERE expires_at < $1`, [now]);
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO captcha_used (signature, expires_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING RETURNING 1`,
      [signature, expiresAt],
    );
    return rows.length === 1;
  }

  /**
   * Every NetID of the person behind this graduate record: the registry rows with the same names and date of
   * birth (one per student number, e.g. several degrees) with their Student NetIDs, and the Alumni NetIDs
   * registered for any of them.
   */
  async netIdsOfPerson(graduateId: string): Promise<PersonNetId[] | null> {
    const rows: Array<{ id: string; student_number: string; student_net_id: string | null; alumni_net_id: string | null }> =
      await this.dataSource.query(
        `WITH me AS (SELECT surname_key, given_name_key, date_of_birth, personal_id_hash FROM graduate WHERE id = $1)
         SELECT g.id, g.student_number, g.student_net_id, n.net_id AS alumni_net_id
         FROM graduate g JOIN me ON g.surname_key = me.surname_key AND g.given_name_key = me.given_name_key
           AND g.date_of_birth = me.date_of_birth
           AND (g.personal_id_hash IS NULL OR me.personal_id_hash IS NULL OR g.personal_id_hash = me.personal_id_hash)
         LEFT JOIN alumni_netid n ON n.graduate_id = g.id
         ORDER BY g.student_number`,
        [graduateId],
      );
    if (rows.length === 0) return null;
    return rows.flatMap((row) => [
      ...(row.student_net_id
        ? [{ netId: row.student_net_id, kind: 'student' as const, graduateId: row.id, studentNumber: row.student_number }]
        : []),
      ...(row.alumni_net_id
        ? [{ netId: row.alumni_net_id, kind: 'alumni' as const, graduateId: row.id, studentNumber: row.student_number }]
        : []),
    ]);
  }

  async confirmation(graduateId: string): Promise<{ netId: string; confirmedBy: string; confirmedAt: Date } | null> {
    const rows: Array<{ netId: string; confirmedBy: string; confirmedAt: Date }> = await this.dataSource.query(
      `SELECT net_id AS "netId", confirmed_by AS "confirmedBy", confirmed_at AS "confirmedAt" FROM alumni_netid_confirmation WHERE graduate_id = $1`,
      [graduateId],
    );
    return rows[0] ?? null;
  }

  async confirm(graduateId: string, netId: string, staffId: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO alumni_netid_confirmation (graduate_id, net_id, confirmed_by, confirmed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (graduate_id) DO UPDATE SET net_id = excluded.net_id, confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at`,
      [graduateId, netId, staffId, now],
    );
  }
}

/** The constraint of a unique violation, or null when the error is something else. */
export function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driver = error.driverError as { code?: string; constraint?: string } | undefined;
  return driver?.code === '23505' ? (driver.constraint ?? '') : null;
}
