import { Body, Controller, Headers, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { GATE_TIMESTAMP_HEADER, type GateEnrollResponse, type GateHeartbeatResponse } from '@campuspass/contracts';
import { IdentityExceptionFilter } from '../identity/identity-exception.filter.js';
import { Public } from '../identity/roles.js';
import { GateEnrollRequestBody, GateEnrollResponseBody, GateHeartbeatRequestBody, GateHeartbeatResponseBody } from './dto/gate-api.dto.js';
import { CurrentGate, GateAuthenticated } from './gate-auth.guard.js';
import type { GateEntity } from './gate.entity.js';
import { GateApiService } from './gate-api.service.js';

/** Enrollment and heartbeat (libs/contracts gate-api.ts). Bodies are validated with the contract's zod schemas. */
@ApiTags('gates')
@Controller('gate')
@UseFilters(IdentityExceptionFilter)
export class GateApiController {
  constructor(private readonly gates: GateApiService) {}

  @Post('enroll')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: "Enroll a gate with its one-time code: binds the gate's public key, pins the bundle key" })
  @ApiBody({ type: GateEnrollRequestBody })
  @ApiOkResponse({ type: GateEnrollResponseBody })
  @ApiBadRequestResponse({ description: 'gate-enroll-invalid' })
  @ApiUnauthorizedResponse({ description: 'enrollment-code-invalid (unknown, used, expired or revoked: one answer)' })
  @ApiTooManyRequestsResponse({ description: 'rate-limited (per client address)' })
  @ApiServiceUnavailableResponse({ description: 'bundle-unavailable: no bundle-signing key yet' })
  enroll(@Body() body: unknown, @Req() request: Request): Promise<GateEnrollResponse> {
    return this.gates.enroll(body, request.ip ?? null);
  }

  @Post('heartbeat')
  @HttpCode(200)
  @GateAuthenticated()
  @ApiOperation({ summary: "The gate's health; answers the portal's time signed with the bundle key and the newest bundle version" })
  @ApiBody({ type: GateHeartbeatRequestBody })
  @ApiOkResponse({ type: GateHeartbeatResponseBody })
  @ApiBadRequestResponse({ description: 'gate-heartbeat-invalid' })
  heartbeat(
    @CurrentGate() gate: GateEntity,
    @Headers(GATE_TIMESTAMP_HEADER) timestamp: string | undefined,
    @Body() body: unknown,
  ): Promise<GateHeartbeatResponse> {
    return this.gates.heartbeat(gate, timestamp, body);
  }
}
