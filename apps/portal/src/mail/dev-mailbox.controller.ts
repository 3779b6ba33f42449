import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../identity/roles.js';
import { DevMailboxMessageDto, mapDevMailboxMessage } from './dto/dev-mailbox-message.dto.js';
import { MailCatcher } from './mail-catcher.js';

/**
 * What the development mail catcher caught, so a newcomer can read their one-time code. Answers 404
 * whenever mail really goes out (SMTP_URL set) and always in production.
 */
@ApiTags('dev')
@Public() // development only, and 404 unless the catcher runs: there is no account to sign in with yet
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(private readonly catcher: MailCatcher) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Development only: mail caught by the local mail catcher, newest first' })
  @ApiOkResponse({ type: [DevMailboxMessageDto] })
  @ApiNotFoundResponse({ description: 'SMTP_URL is set or NODE_ENV is production' })
  list(): DevMailboxMessageDto[] {
    return this.activeCatcher().list().map(mapDevMailboxMessage);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Development only: one caught message' })
  @ApiOkResponse({ type: DevMailboxMessageDto })
  @ApiNotFoundResponse({ description: 'No such message, SMTP_URL is set or NODE_ENV is production' })
  get(@Param('id') id: string): DevMailboxMessageDto {
    const mail = this.activeCatcher().get(id);
    if (!mail) throw new NotFoundException('No such message in the development mailbox (it keeps the latest 200).');
    return mapDevMailboxMessage(mail);
  }

  private activeCatcher(): MailCatcher {
    // A plain 404, as for any path that does not exist.
    if (!this.catcher.active) throw new NotFoundException();
    return this.catcher;
  }
}
