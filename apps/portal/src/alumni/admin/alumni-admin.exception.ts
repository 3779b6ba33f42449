import { DomainException } from '../../core/http/domain.exception.js';

export const ALUMNI_ADMIN_ERROR_STATUS = {
  'graduate-not-found': 404,
  'search-cursor-invalid': 400,
} as const;

export type AlumniAdminErrorCode = keyof typeof ALUMNI_ADMIN_ERROR_STATUS;

export class AlumniAdminException extends DomainException<AlumniAdminErrorCode> {
  get httpStatus(): number {
    return ALUMNI_ADMIN_ERROR_STATUS[this.code];
  }
}
