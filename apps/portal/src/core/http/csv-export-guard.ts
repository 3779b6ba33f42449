import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { IdentityKeys } from '../../identity/identity-keys.js';
import { REQUEST_IDENTITY, type RequestWithIdentity } from '../../identity/roles.js';
import { DomainException } from './domain.exception.js';

export const CSV_EXPORT_ERROR_STATUS = {
  /** This staff member already has an export running (one at a time each). */
  'export-in-progress': 429,
  /** The portal is already sending as many exports as it allows at once. */
  'exports-busy': 429,
  /** A cross-site page (a link or a redirect on another site) tried to start the export. */
  'export-same-origin-required': 403,
} as const;

export type CsvExportErrorCode = keyof typeof CSV_EXPORT_ERROR_STATUS;

export class CsvExportException extends DomainException<CsvExportErrorCode> {
  get httpStatus(): number {
    return CSV_EXPORT_ERROR_STATUS[this.code];
  }
}

/** How many exports may run, and when a reader that stopped reading is given up on. */
export interface CsvExportLimits {
  /** Exports running at once per staff member. */
  perStaff: number;
  /** Exports running at once in this portal process (each may hold a database connection of the pool). */
  global: number;
  /** An export whose reader has not taken any data for this long is ended (its connection goes back to the pool). */
  stallMs: number;
  /** Sent as Retry-After on a refused export. */
  retryAfterSeconds: number;
}

export const CSV_EXPORT_LIMITS: Readonly<CsvExportLimits> = { perStaff: 1, global: 2, stallMs: 30_000, retryAfterSeconds: 30 };

/** The query parameter that may carry the session's CSRF token (for clients that send no Sec-Fetch-Site). */
export const EXPORT_CSRF_PARAMETER = 'csrf';

const SAME_ORIGIN_FETCH_SITES = new Set(['same-origin', 'none']);

/** A running export's place under the limits; give it back once (release is idempotent). */
export interface CsvExportSlot {
  release(): void;
}

/**
 * The rules every CSV export (audit log, entries report) follows, so downloads can never starve the portal:
 *
 * - Only a same-origin request starts one. Exports are GETs with a side effect (an audit row) and the session
 *   cookie is SameSite=Lax, so a link on another site would carry it: a request whose Sec-Fetch-Site is anything
 *   but same-origin or none (typed in the address bar) is refused; a client that sends no Sec-Fetch-Site (an old
 *   browser, a script) must present the session's CSRF token (X-CSRF-Token header or `csrf` query parameter).
 * - At most {@link CsvExportLimits.perStaff} export per staff member and {@link CsvExportLimits.global} in all run at
 *   once; more are answered 429 with Retry-After.
 * - A reader that stops reading (backpressure for {@link CsvExportLimits.stallMs}) or goes away ends the export: the
 *   response is destroyed, so the source stream is destroyed and whatever database connection it held is released.
 */
@Injectable()
export class CsvExportGuard {
  private readonly logger = new Logger('CsvExport');
  /** Mutable so a test can shorten the stall time or change the caps of its own portal. */
  readonly limits: CsvExportLimits = { ...CSV_EXPORT_LIMITS };
  private readonly perStaff = new Map<string, number>();
  private running = 0;

  /** Without keys (a context with no app config) only Sec-Fetch-Site can admit an export. */
  constructor(private readonly keys?: IdentityKeys) {}

  /** Exports running now (all staff). */
  get active(): number {
    return this.running;
  }

  /**
   * Checks that the request may start an export now and takes a slot; throws (403 or 429, with Retry-After) if not.
   * Call it before any side effect of the export (the audit row, the query).
   */
  admit(request: Request, response: Response, staffId: string): CsvExportSlot {
    this.requireSameOrigin(request);
    const mine = this.perStaff.get(staffId) ?? 0;
    if (mine >= this.limits.perStaff) {
      response.setHeader('Retry-After', String(this.limits.retryAfterSeconds));
      throw new CsvExportException(
        'export-in-progress',
        'Your previous export is still downloading. Wait for it to finish (or cancel it), then try again.',
        { retryAfterSeconds: this.limits.retryAfterSeconds },
      );
    }
    if (this.running >= this.limits.global) {
      response.setHeader('Retry-After', String(this.limits.retryAfterSeconds));
      throw new CsvExportException(
        'exports-busy',
        `Other exports are downloading right now. Please try again in ${this.limits.retryAfterSeconds} seconds.`,
        { retryAfterSeconds: this.limits.retryAfterSeconds },
      );
    }
    this.perStaff.set(staffId, mine + 1);
    this.running += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        const left = (this.perStaff.get(staffId) ?? 1) - 1;
        if (left > 0) this.perStaff.set(staffId, left);
        else this.perStaff.delete(staffId);
      },
    };
  }

  /**
   * Streams `csv` into `response` with backpressure (constant memory) and gives the slot back when the response
   * closes. A reader that has not taken data for `stallMs`, or that disconnects, ends it: the response and `csv`
   * are destroyed (destroying `csv` must stop its source and release its connection). Resolves when it is over.
   */
  async send(slot: CsvExportSlot, csv: Readable, response: Response, what: string): Promise<void> {
    let lastProgress = Date.now();
    let stalled = false;
    const { stallMs } = this.limits;
    const watchdog = setInterval(
      () => {
        const now = Date.now();
        if (!response.writableNeedDrain) {
          lastProgress = now;
        } else if (now - lastProgress >= stallMs) {
          stalled = true;
          response.destroy();
        }
      },
      Math.max(100, Math.min(5_000, Math.floor(stallMs / 4))),
    );
    watchdog.unref();
    const onDrain = () => {
      lastProgress = Date.now();
    };
    response.on('drain', onDrain);
    // The whole file handed to the socket: the next export of this staff member may start.
    response.once('finish', () => slot.release());
    response.once('close', () => {
      clearInterval(watchdog);
      response.off('drain', onDrain);
      if (!csv.destroyed) csv.destroy();
      slot.release();
    });
    try {
      await pipeline(csv, response);
    } catch (error) {
      if (!response.destroyed) response.destroy();
      if (stalled) {
        this.logger.warn({ msg: `${what} export ended: the reader stopped reading`, stallMs });
      } else if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.error({ msg: `${what} export failed`, err: error });
      }
    } finally {
      clearInterval(watchdog);
    }
  }

  private requireSameOrigin(request: Request): void {
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string') {
      if (SAME_ORIGIN_FETCH_SITES.has(site.toLowerCase())) return;
      throw new CsvExportException(
        'export-same-origin-required',
        'Exports start only from the CampusPass pages themselves. Open the page in CampusPass and use its Download CSV button.',
      );
    }
    // No Sec-Fetch-Site: an old browser or a script. It must show it can read the session's CSRF cookie.
    const token = (request as Request & RequestWithIdentity)[REQUEST_IDENTITY]?.token;
    const header = request.headers['x-csrf-token'];
    const query = request.query[EXPORT_CSRF_PARAMETER];
    const presented = typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
    if (this.keys && token && presented && this.keys.equal(this.keys.csrfToken(token), presented)) return;
    throw new CsvExportException(
      'export-same-origin-required',
      'This export needs the security token of your session: send it in the X-CSRF-Token header (or as the csrf query parameter), or start the export from the CampusPass page.',
    );
  }
}

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return before one) gets a leading
 * apostrophe, so opening an export never runs what a guest's name or a gate's name says (OWASP "CSV injection").
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
