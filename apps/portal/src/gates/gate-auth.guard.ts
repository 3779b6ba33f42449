import { createHash } from 'node:crypto';
import {
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { GATE_ID_HEADER, GATE_SIGNATURE_HEADER, GATE_TIMESTAMP_HEADER } from '@campuspass/contracts';
import { GATE_AUTHENTICATED_ROUTE } from '../identity/access.guard.js';
import type { GateEntity } from './gate.entity.js';
import { GatesException } from './gates.exception.js';
import { EMPTY_BODY_SHA256, GatesService } from './gates.service.js';

/** Where the guard leaves the authenticated gate on the request. */
export const REQUEST_GATE = Symbol('campuspass.gate');
type RequestWithGate = Request & { [REQUEST_GATE]?: GateEntity; rawBody?: Buffer };

const header = (request: Request, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Authenticates a gate's signed request (see GatesService.authenticate) and leaves the gate on the request. */
@Injectable()
export class GateAuthGuard implements CanActivate {
  constructor(private readonly gates: GatesService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithGate>();
    request[REQUEST_GATE] = await this.gates.authenticate({
      gateId: header(request, GATE_ID_HEADER),
      timestamp: header(request, GATE_TIMESTAMP_HEADER),
      signature: header(request, GATE_SIGNATURE_HEADER),
      method: request.method,
      pathWithQuery: request.originalUrl,
      bodySha256Hex: bodySha256(request),
      ip: request.ip ?? null,
    });
    return true;
  }
}

/**
 * The hash of the body as sent. A parsed body cannot be re-serialised byte for byte, so the app keeps the raw
 * bytes (Nest's `rawBody: true` in bootstrap.ts; JSON and form bodies); any other body cannot be verified.
 */
function bodySha256(request: RequestWithGate): string {
  if (request.rawBody) return createHash('sha256').update(request.rawBody).digest('hex');
  const length = Number(request.headers['content-length'] ?? 0);
  if (request.headers['transfer-encoding'] === undefined && length === 0) return EMPTY_BODY_SHA256;
  throw new GatesException('gate-body-unverifiable', 'This address takes no request body from a gate; send the request without one.');
}

/**
 * The route is called by enrolled gates with signed requests (no session): declares the access for the global
 * AccessGuard and runs GateAuthGuard.
 */
export const GateAuthenticated = () =>
  applyDecorators(
    SetMetadata(GATE_AUTHENTICATED_ROUTE, true),
    UseGuards(GateAuthGuard),
    ApiHeader({ name: GATE_ID_HEADER, required: true, description: 'The gate id given at enrollment' }),
    ApiHeader({ name: GATE_TIMESTAMP_HEADER, required: true, description: 'Unix time in seconds' }),
    ApiHeader({ name: GATE_SIGNATURE_HEADER, required: true, description: 'Ed25519 signature of gateRequestSigningInput, base64' }),
    ApiUnauthorizedResponse({
      description:
        'gate-auth-missing, gate-signature-invalid (also for unknown and not yet enrolled gates), gate-revoked, gate-timestamp-skewed, gate-body-unverifiable',
    }),
  );

/** The gate that signed the request (on @GateAuthenticated() routes). */
export const CurrentGate = createParamDecorator((_data: unknown, context: ExecutionContext): GateEntity => {
  const gate = context.switchToHttp().getRequest<RequestWithGate>()[REQUEST_GATE];
  if (!gate) throw new Error('CurrentGate used on a route without @GateAuthenticated()');
  return gate;
});
