import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import { mapRotation, mapSigningKey, RevokeKeyDto, RotateKeysDto, RotationResponse, SigningKeyResponse } from './dto/keys.dto.js';
import { KeysService } from './keys.service.js';

/** Signing keys for AAO admins (and auditors, read-only). No private material ever leaves through here. */
@ApiTags('admin')
@Controller('admin/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'List the signing keys (pass and bundle) with status and validity days; public keys only' })
  @ApiOkResponse({ type: [SigningKeyResponse] })
  async list(): Promise<SigningKeyResponse[]> {
    return (await this.keys.list()).map(mapSigningKey);
  }

  @Post('rotate')
  @HttpCode(200)
  @Roles('aao-admin')
  @ApiOperation({
    summary: 'Run one rotation step now (the same as the daily scheduled one); `force` promotes the next key at once',
  })
  @ApiOkResponse({ type: RotationResponse })
  async rotate(@Body() body: RotateKeysDto, @CurrentSubject() subject: Subject, @Req() request: Request): Promise<RotationResponse> {
    return mapRotation(
      await this.keys.rotate({
        now: new Date(),
        force: body.force === true,
        actor: { type: 'staff', id: subject.id, ip: request.ip ?? null },
      }),
    );
  }

  @Post(':id/retire')
  @HttpCode(200)
  @Roles('aao-admin')
  @ApiOperation({
    summary:
      'Retire a key: a next key is withdrawn; the active pass key hands over to the next key. Retired keys stay published until their passes expire',
  })
  @ApiOkResponse({ type: RotationResponse })
  @ApiNotFoundResponse({ description: 'No such key' })
  @ApiConflictResponse({ description: 'The key cannot be retired in its state (already retired, bundle key, no next key to take over)' })
  async retire(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<RotationResponse> {
    return mapRotation(await this.keys.retire(id, { now: new Date(), actor: { type: 'staff', id: subject.id, ip: request.ip ?? null } }));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('aao-admin')
  @ApiOperation({
    summary:
      'Revoke a compromised pass key: it leaves the gate bundle at once (even for the days it signed); an active key hands over to the next key and a new next key is made. Passes it signed are signed anew with the active key when next shown',
  })
  @ApiOkResponse({ type: RotationResponse })
  @ApiBadRequestResponse({ description: 'No reason, or a reason too long' })
  @ApiNotFoundResponse({ description: 'No such key' })
  @ApiConflictResponse({ description: 'Already revoked, or the bundle key (pinned on gates: re-enrol them instead)' })
  async revoke(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body() body: RevokeKeyDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<RotationResponse> {
    return mapRotation(
      await this.keys.revoke(id, {
        now: new Date(),
        reason: body.reason,
        actor: { type: 'staff', id: subject.id, ip: request.ip ?? null },
      }),
    );
  }
}
