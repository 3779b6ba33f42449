import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentGate, GateAuthenticated } from './gate-auth.guard.js';
import type { GateEntity } from './gate.entity.js';
import { GateBundleService } from './gate-bundle.service.js';
import { SignedGateBundleResponse } from './dto/gate-bundle.dto.js';

@ApiTags('gates')
@Controller('gate')
export class GateBundleController {
  constructor(private readonly bundles: GateBundleService) {}

  @Get('bundle')
  @GateAuthenticated()
  @ApiOperation({ summary: "The gate's signed bundle: keys, revocations, policy, today's and tomorrow's passes; full or delta" })
  @ApiQuery({ name: 'since', required: false, description: 'The bundle version the gate holds; a delta from it when possible' })
  @ApiOkResponse({ type: SignedGateBundleResponse })
  @ApiNotModifiedResponse({ description: 'If-None-Match matched, or the gate already holds the current version' })
  @ApiBadRequestResponse({ description: 'bundle-since-invalid' })
  async bundle(
    @CurrentGate() gate: GateEntity,
    @Query('since') since: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignedGateBundleResponse | undefined> {
    const answer = await this.bundles.bundleFor(gate, since, ifNoneMatch);
    response.setHeader('ETag', answer.etag);
    response.setHeader('Cache-Control', 'no-store');
    if (answer.status === 304) {
      response.status(304);
      return undefined;
    }
    return answer.body;
  }
}
