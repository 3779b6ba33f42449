import { DomainException } from '../../core/http/domain.exception.js';

export const REPORTS_ERROR_STATUS = {
  /** from/to are not real dates, are reversed, or span more than the longest report. */
  'report-range-invalid': 400,
  /** The gate filter names no gate. */
  'report-gate-not-found': 404,
} as const;

export type ReportsErrorCode = keyof typeof REPORTS_ERROR_STATUS;

export class ReportsException extends DomainException<ReportsErrorCode> {
  get httpStatus(): number {
    return REPORTS_ERROR_STATUS[this.code];
  }
}

export const isReportsException = (error: unknown): error is ReportsException => error instanceof ReportsException;
