import type { ReportGate, ReportSummary } from '@campuspass/contracts';
import { api } from './api.js';
import type { ApiClient } from './client.js';

export type {
  ReportDay,
  ReportDenialReason,
  ReportGate,
  ReportGateFigures,
  ReportHour,
  ReportSummary,
  ReportTotals,
} from '@campuspass/contracts';

/** A report's range as the page holds it: Hong Kong days (YYYY-MM-DD, inclusive) and an optional gate ('' for all). */
export interface ReportRange {
  readonly from: string;
  readonly to: string;
  readonly gateId: string;
}

/** The query string of a range, as every reports endpoint takes it. */
export function reportQuery(range: ReportRange): string {
  const query = new URLSearchParams({ from: range.from, to: range.to });
  if (range.gateId) query.set('gateId', range.gateId);
  return query.toString();
}

/** Where the browser downloads the range's entries as CSV (a plain link: the portal streams the file). */
export function entriesCsvUrl(range: ReportRange): string {
  return `/api/reports/entries.csv?${reportQuery(range)}`;
}

export function reportsApi(client: ApiClient) {
  return {
    async gates(): Promise<readonly ReportGate[]> {
      return (await client.get<{ gates: ReportGate[] }>('/api/reports/gates')).gates;
    },
    summary(range: ReportRange, signal?: AbortSignal): Promise<ReportSummary> {
      return client.get<ReportSummary>(`/api/reports/summary?${reportQuery(range)}`, { signal });
    },
  };
}

export const reports = reportsApi(api);
