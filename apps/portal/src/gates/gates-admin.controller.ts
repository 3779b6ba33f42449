import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import {
  CreateGateDto,
  GatePolicyBody,
  GateResponse,
  IssuedEnrollmentCodeResponse,
  mapGate,
  mapGateRow,
  mapIssuedCode,
  RevokeGateDto,
} from './dto/gate-admin.dto.js';
import { GateAdminService } from './gate-admin.service.js';
import type { GateActor } from './gates.service.js';

const staff = (subject: Subject, request: Request): GateActor => ({ type: 'staff', id: subject.id, ip: request.ip ?? null });

/** Gates for AAO admins: create (with a one-time enrollment code), list with health, new code, policy, revoke. */
@ApiTags('admin')
@Controller('admin/gates')
export class GatesAdminController {
  constructor(private readonly gates: GateAdminService) {}

  @Get()
  @Roles('aao-admin', 'security-staff', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Every gate: status, last seen, bundle version, health from the last heartbeat' })
  @ApiOkResponse({ type: [GateResponse] })
  async list(): Promise<GateResponse[]> {
    return (await this.gates.list()).map(mapGateRow);
  }

  @Post()
  @Roles('aao-admin')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create a gate (pending) and its one-time enrollment code, valid 24 hours and shown only in this answer' })
  @ApiCreatedResponse({ type: IssuedEnrollmentCodeResponse })
  async create(
    @Body() body: CreateGateDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<IssuedEnrollmentCodeResponse> {
    return mapIssuedCode(await this.gates.createGate(body.name, staff(subject, request)));
  }

  @Post(':id/enrollment-code')
  @HttpCode(200)
  @Roles('aao-admin')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A new enrollment code for a gate that has not enrolled yet (the previous one stops working)' })
  @ApiOkResponse({ type: IssuedEnrollmentCodeResponse })
  @ApiNotFoundResponse({ description: 'gate-not-found' })
  @ApiConflictResponse({ description: 'gate-state-conflict: the gate enrolled already or was revoked' })
  async newCode(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<IssuedEnrollmentCodeResponse> {
    return mapIssuedCode(await this.gates.issueEnrollmentCode(id, staff(subject, request)));
  }

  @Put(':id/policy')
  @Roles('aao-admin')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Set a gate's policy (pass kinds, zone, opening hours, re-entry window); audited, and in every gate's next bundle",
  })
  @ApiBody({ type: GatePolicyBody })
  @ApiOkResponse({ type: GateResponse })
  @ApiBadRequestResponse({ description: 'gate-policy-invalid: details.issues name each field' })
  @ApiNotFoundResponse({ description: 'gate-not-found' })
  @ApiConflictResponse({ description: 'gate-state-conflict: the gate is revoked' })
  async setPolicy(
    @Param('id', new ParseUUIDPipe()) id: string,
    // Validated with the contract's zod schema (gatePolicySchema), as gates read it.
    @Body() body: unknown,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<GateResponse> {
    return mapGate(await this.gates.setPolicy(id, body, staff(subject, request)));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('aao-admin')
  @ApiOperation({
    summary: 'Revoke a gate: its bundle and heartbeat requests are refused; events it still delivers are stored flagged gate-revoked',
  })
  @ApiOkResponse({ type: GateResponse })
  @ApiNotFoundResponse({ description: 'gate-not-found' })
  @ApiConflictResponse({ description: 'gate-state-conflict: already revoked' })
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RevokeGateDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<GateResponse> {
    return mapGate(await this.gates.revoke(id, body.reason, staff(subject, request)));
  }
}
