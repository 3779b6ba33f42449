import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainException } from './domain.exception.js';

export interface ErrorBody {
  statusCode: number;
  error?: string;
  code?: string;
  message?: string | string[];
  details?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * One shape for every error answer. Domain exceptions keep their code and message; HTTP exceptions (validation
 * included) keep theirs; anything else is a bug: logged once with its stack, answered with a generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = this.toBody(exception, request);
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): ErrorBody {
    if (exception instanceof DomainException) {
      return {
        statusCode: exception.httpStatus,
        error: HttpStatus[exception.httpStatus] ?? 'Error',
        code: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      // Structured answers (validation messages, the health report) pass through unchanged.
      if (typeof answer === 'object' && answer !== null) return { statusCode: status, error: HttpStatus[status] ?? 'Error', ...answer };
      return { statusCode: status, error: HttpStatus[status] ?? 'Error', message: answer };
    }
    if (isNulInText(exception)) {
      // A field no validator checked for NUL (PostgreSQL stores no NUL in text or jsonb): the caller's mistake, not ours.
      // Logged all the same, so the field can be given a validator.
      this.logger.warn({ msg: 'NUL character refused by PostgreSQL', method: request.method, path: request.path });
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        error: 'BAD_REQUEST',
        code: 'validation-failed',
        message: 'The text contains a NUL character (\\u0000), which cannot be stored: remove it and try again.',
      };
    }
    this.logger.error({ msg: 'unhandled error', method: request.method, path: request.path, err: exception });
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'INTERNAL_SERVER_ERROR',
      message: 'Something went wrong on our side. Please try again; if it keeps happening, contact the Alumni Affairs Office.',
    };
  }
}

/**
 * PostgreSQL refusing a NUL: character_not_in_repertoire ("invalid byte sequence … 0x00" in text) or
 * untranslatable_character ("\\u0000 cannot be converted to text" in jsonb). The same codes for any other character
 * (a database in a non-UTF-8 encoding) are a fault of ours and stay a 500.
 */
function isNulInText(exception: unknown): boolean {
  if (!(exception instanceof QueryFailedError)) return false;
  const error = exception.driverError as { code?: string; message?: string; detail?: string } | undefined;
  if (error?.code !== '22021' && error?.code !== '22P05') return false;
  return /0x00\b|\\u0000/.test(`${error.message ?? ''} ${error.detail ?? ''}`);
}
