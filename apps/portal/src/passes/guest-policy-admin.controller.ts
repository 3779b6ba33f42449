import { Body, Controller, Get, Header, Put, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { AdminGuestPolicy } from '@campuspass/contracts';
import { AuditService } from '../admin/audit.service.js';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import { GuestPolicyUpdateDto } from './dto/guest-policy-admin.dto.js';
import { GuestPolicyEntity } from './guest-policy.entity.js';
import { PassesRepository } from './passes.repository.js';

function present(policy: GuestPolicyEntity): AdminGuestPolicy {
  return {
    maxDaysAhead: policy.maxDaysAhead,
    maxGuestsPerDay: policy.maxGuestsPerDay,
    purposes: policy.purposes,
    singleEntry: policy.singleEntry,
    updatedAt: new Date(policy.updatedAt).toISOString(),
  };
}

const withoutTime = ({ updatedAt: _updatedAt, ...rest }: AdminGuestPolicy) => rest;

/**
 * AAO: the guest access policy (issue 6 item 4): days ahead, guests per day, purposes, single entry. A change applies
 * to guest passes requested after it; passes already issued keep what they were issued with.
 */
@ApiTags('admin')
@Controller('admin/guest-policy')
@Roles('aao-admin')
export class GuestPolicyAdminController {
  constructor(
    private readonly passes: PassesRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The guest access policy' })
  @ApiOkResponse({ description: 'AdminGuestPolicy' })
  async read(): Promise<AdminGuestPolicy> {
    return present(await this.passes.guestPolicy());
  }

  @Put()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace the guest access policy (audited with before and after); issued passes are not changed' })
  @ApiOkResponse({ description: 'AdminGuestPolicy' })
  @ApiBadRequestResponse({ description: 'Validation messages, one per problem' })
  async update(@Body() body: GuestPolicyUpdateDto, @CurrentSubject() subject: Subject, @Req() request: Request): Promise<AdminGuestPolicy> {
    const { before, after } = await this.dataSource.transaction(async (manager) => {
      const policies = manager.getRepository(GuestPolicyEntity);
      const current = await policies.findOne({ where: { id: true }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new Error('guest_policy has no row: run the migrations');
      await policies.update(
        { id: true },
        {
          maxDaysAhead: body.maxDaysAhead,
          maxGuestsPerDay: body.maxGuestsPerDay,
          purposes: body.purposes,
          singleEntry: body.singleEntry,
          updatedAt: new Date(),
        },
      );
      const updated = await policies.findOneByOrFail({ id: true });
      return { before: present(current), after: present(updated) };
    });
    await this.audit.record({
      actorType: 'staff',
      actorId: subject.id,
      action: 'admin.guest-policy.update',
      targetType: 'guest-policy',
      outcome: 'success',
      ip: request.ip ?? null,
      details: { before: withoutTime(before), after: withoutTime(after) },
    });
    return after;
  }
}
