import { DomainException } from '../core/http/domain.exception.js';

export const ADMIN_ERROR_STATUS = {
  /** An audit filter or cursor the portal cannot use (the message names the parameter and the expected form). */
  'audit-query-invalid': 400,
  'staff-not-found': 404,
  /** A PATCH with nothing to change. */
  'staff-change-empty': 400,
  'staff-role-invalid': 400,
  /** Staff cannot demote or deactivate themselves (another AAO admin must). */
  'staff-self-change': 409,
  /** The change would leave no active AAO admin. */
  'staff-last-admin': 409,
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERROR_STATUS;

/** Errors of the admin domain (staff accounts, the audit log). */
export class AdminException extends DomainException<AdminErrorCode> {
  get httpStatus(): number {
    return ADMIN_ERROR_STATUS[this.code];
  }
}

export const isAdminException = (error: unknown): error is AdminException => error instanceof AdminException;
