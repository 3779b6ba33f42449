import { DomainException } from '../core/http/domain.exception.js';

/** Why a whole registry file was refused. Bad rows are not exceptions: they are listed in the import report. */
export type RegistryImportErrorCode =
  'unreadable' | 'file-too-large' | 'row-too-long' | 'malformed-csv' | 'bad-header' | 'empty-file' | 'import-in-progress';

const HTTP_STATUS: Record<RegistryImportErrorCode, number> = {
  unreadable: 400,
  'file-too-large': 413,
  'row-too-long': 400,
  'malformed-csv': 400,
  'bad-header': 400,
  'empty-file': 400,
  'import-in-progress': 409,
};

/** A registry file the import refused as a whole; nothing of it was written. `details.line` names the line when known. */
export class RegistryImportException extends DomainException<RegistryImportErrorCode> {
  readonly httpStatus: number;

  constructor(code: RegistryImportErrorCode, message: string, details?: { line?: number }) {
    super(code, message, details);
    this.httpStatus = HTTP_STATUS[code];
  }
}

export const isRegistryImportException = (error: unknown): error is RegistryImportException => error instanceof RegistryImportException;
