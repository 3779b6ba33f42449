import { Controller, Get, Header, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Challenge } from 'altcha-lib';
import { CaptchaService } from './captcha.service.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { Public } from './roles.js';

@ApiTags('sign-in')
@Controller('auth/captcha')
@Public()
@UseFilters(IdentityExceptionFilter)
export class CaptchaController {
  constructor(private readonly captcha: CaptchaService) {}

  @Get('challenge')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A new ALTCHA proof-of-work challenge (the widget fetches it; a solution is accepted once)' })
  @ApiOkResponse({ description: 'ALTCHA v2 challenge: { parameters, signature }' })
  challenge(): Promise<Challenge> {
    return this.captcha.createChallenge();
  }
}
