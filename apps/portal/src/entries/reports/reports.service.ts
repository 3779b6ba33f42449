import { Injectable } from '@nestjs/common';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { REPORT_MAX_DAYS, type ReportGate, type ReportSummary } from '@campuspass/contracts';
import { AuditService } from '../../admin/audit.service.js';
import { coalesce, entriesCsv, entriesCsvFileName, entryRecords } from './entries-csv.js';
import { ReportsException } from './reports.exception.js';
import { ReportsRepository, type ReportRange } from './reports.repository.js';

const DAY_MS = 86_400_000;
/** Reports start no earlier than this and end no later than the last day below (campus days fit 16 bits). */
const FIRST_DAY = '2000-01-01';
const LAST_DAY = '2099-12-31';

/** Who asked, for the audit log. */
export interface ReportActor {
  readonly staffId: string;
  readonly ip: string | null;
}

export interface EntriesExport {
  readonly fileName: string;
  /** CSV bytes; destroy it to stop early (the database cursor closes and its connection goes back to the pool). */
  readonly csv: Readable;
  /** Resolves when the database connection was released. */
  readonly released: Promise<void>;
}

/** A YYYY-MM-DD that names a real calendar day, as ms since the epoch (UTC midnight); undefined otherwise. */
function dayValue(date: string): number | undefined {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const value = Date.UTC(year, month - 1, day);
  return new Date(value).toISOString().slice(0, 10) === date ? value : undefined;
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    private readonly audit: AuditService,
  ) {}

  gates(): Promise<ReportGate[]> {
    return this.repository.gates();
  }

  /** Checks a requested range (real days, in order, not too long, a known gate) and returns it. */
  async range(from: string, to: string, gateId: string | undefined): Promise<ReportRange> {
    const start = dayValue(from);
    const end = dayValue(to);
    if (start === undefined) throw new ReportsException('report-range-invalid', `from (${from}) is not a calendar day: use YYYY-MM-DD.`);
    if (end === undefined) throw new ReportsException('report-range-invalid', `to (${to}) is not a calendar day: use YYYY-MM-DD.`);
    if (from < FIRST_DAY || to > LAST_DAY) {
      throw new ReportsException('report-range-invalid', `Reports cover days from ${FIRST_DAY} to ${LAST_DAY}: choose days in between.`);
    }
    if (end < start) throw new ReportsException('report-range-invalid', `to (${to}) is before from (${from}): swap them.`);
    const days = (end - start) / DAY_MS + 1;
    if (days > REPORT_MAX_DAYS) {
      throw new ReportsException(
        'report-range-invalid',
        `The range has ${days} days; a report covers at most ${REPORT_MAX_DAYS}. Choose a shorter range or export it in parts.`,
        { days, maxDays: REPORT_MAX_DAYS },
      );
    }
    if (gateId !== undefined && !(await this.repository.gateExists(gateId))) {
      throw new ReportsException('report-gate-not-found', 'There is no gate with this id. Choose a gate from the list, or all gates.');
    }
    return { from, to, gateId: gateId ?? null };
  }

  async summary(range: ReportRange): Promise<ReportSummary> {
    const [aggregates, unique] = await Promise.all([this.repository.scanAggregates(range), this.repository.uniqueCounts(range)]);
    const byDay = new Map<string, { alumni: number; guests: number; denied: number }>();
    const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, visits: 0 }));
    const gates: ReportSummary['gates'][number][] = [];
    const denials: Array<{ reason: string; count: number }> = [];
    let total = { granted: 0, alumni: 0, guests: 0, denied: 0 };
    for (const row of aggregates) {
      if (row.set === 'day' && row.day !== null) byDay.set(row.day, { alumni: row.alumni, guests: row.guests, denied: row.denied });
      else if (row.set === 'hour' && row.hour !== null) hours[row.hour]!.visits = row.granted;
      else if (row.set === 'gate' && row.gateId !== null) {
        gates.push({
          gateId: row.gateId,
          gateName: row.gateName ?? row.gateId,
          visits: row.granted,
          alumni: row.alumni,
          guests: row.guests,
          denied: row.denied,
        });
      } else if (row.set === 'reason' && row.reason !== null) denials.push({ reason: row.reason, count: row.denied });
      else if (row.set === 'total') total = row;
    }
    const days: ReportSummary['days'][number][] = [];
    for (let day = dayValue(range.from)!; day <= dayValue(range.to)!; day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      days.push({ date, ...(byDay.get(date) ?? { alumni: 0, guests: 0, denied: 0 }) });
    }
    gates.sort((a, b) => b.visits - a.visits || b.denied - a.denied || a.gateName.localeCompare(b.gateName));
    denials.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    return {
      from: range.from,
      to: range.to,
      gateId: range.gateId,
      timeZone: 'Asia/Hong_Kong',
      totals: {
        visits: total.granted,
        alumniVisits: total.alumni,
        guestVisits: total.guests,
        denied: total.denied,
        uniqueAlumni: unique.uniqueAlumni,
        uniqueGuests: unique.uniqueGuests,
      },
      days,
      gates,
      hours,
      denials,
    };
  }

  /** The entries of the range as CSV, streamed from a database cursor; the export is written to the audit log first. */
  async exportEntries(range: ReportRange, actor: ReportActor): Promise<EntriesExport> {
    await this.audit.record({
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'report.entries-export',
      targetType: range.gateId ? 'gate' : null,
      targetId: range.gateId,
      outcome: 'success',
      ip: actor.ip,
      details: { from: range.from, to: range.to, gateId: range.gateId },
    });
    const cursor = await this.repository.openEntryCursor(range);
    const csv = coalesce();
    // Errors reach the caller through `csv` (pipeline destroys it with the error); destroying `csv` stops the cursor.
    pipeline(cursor.rows, entryRecords(), entriesCsv(), csv, () => undefined);
    return { fileName: entriesCsvFileName(range.from, range.to, range.gateId), csv, released: cursor.released };
  }
}
