import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Put,
  Req,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import {
  AdminEcardResponse,
  PrivilegeDto,
  PrivilegeResponse,
  ReasonDto,
  ReviewItemResponse,
  ReviewResultResponse,
} from './dto/ecard.dto.js';
import { EcardService, type StaffActor } from './ecard.service.js';

const actorOf = (subject: Subject, request: Request): StaffActor => ({ staffId: subject.id, ip: request.ip ?? null });

/** AAO review of eCard photos and revocation of eCards. Auditors may read the queue; only AAO admins act. */
@ApiTags('admin')
@Controller('admin')
@Roles('aao-admin')
export class EcardAdminController {
  constructor(private readonly ecards: EcardService) {}

  @Get('ecard/reviews')
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Photos waiting for review (new and changed), oldest first, with thumbnails' })
  @ApiOkResponse({ type: [ReviewItemResponse] })
  reviews(): Promise<ReviewItemResponse[]> {
    return this.ecards.reviewQueue();
  }

  @Get('ecard/reviews/:photoId/photo')
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'The 600×800 JPEG of a photo under review' })
  @ApiNotFoundResponse({ description: 'photo-not-found' })
  async reviewPhoto(@Param('photoId', new ParseUUIDPipe()) photoId: string): Promise<StreamableFile> {
    return new StreamableFile(await this.ecards.reviewPhoto(photoId, 'card'), { type: 'image/jpeg' });
  }

  @Post('ecard/reviews/:photoId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a photo under review' })
  @ApiOkResponse({ type: ReviewResultResponse })
  @ApiConflictResponse({ description: 'review-not-pending: already reviewed or replaced' })
  approve(
    @Param('photoId', new ParseUUIDPipe()) photoId: string,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<ReviewResultResponse> {
    return this.ecards.approve(photoId, actorOf(subject, request));
  }

  @Post('ecard/reviews/:photoId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a photo with a reason (emailed to the alumnus, who can upload another)' })
  @ApiOkResponse({ type: ReviewResultResponse })
  @ApiConflictResponse({ description: 'review-not-pending: already reviewed or replaced' })
  reject(
    @Param('photoId', new ParseUUIDPipe()) photoId: string,
    @Body() body: ReasonDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<ReviewResultResponse> {
    return this.ecards.reject(photoId, body.reason, actorOf(subject, request));
  }

  @Get('ecards/:id')
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One eCard (status, revocation)' })
  @ApiOkResponse({ type: AdminEcardResponse })
  ecard(@Param('id', ParseIntPipe) id: number): Promise<AdminEcardResponse> {
    return this.ecards.getEcard(id);
  }

  @Post('ecards/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an eCard with a reason (emailed to the alumnus)' })
  @ApiOkResponse({ type: AdminEcardResponse })
  @ApiConflictResponse({ description: 'ecard-state-conflict: already revoked' })
  revoke(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: ReasonDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<AdminEcardResponse> {
    return this.ecards.revoke(id, body.reason, actorOf(subject, request));
  }

  @Post('ecards/:id/reinstate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reinstate a revoked eCard' })
  @ApiOkResponse({ type: AdminEcardResponse })
  @ApiConflictResponse({ description: 'ecard-state-conflict: already active' })
  reinstate(
    @Param('id', ParseIntPipe) id: number,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<AdminEcardResponse> {
    return this.ecards.reinstate(id, actorOf(subject, request));
  }

  @Get('privileges')
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'All alumni privileges (active and inactive), in display order' })
  @ApiOkResponse({ type: [PrivilegeResponse] })
  privileges(): Promise<PrivilegeResponse[]> {
    return this.ecards.listPrivileges();
  }

  @Post('privileges')
  @ApiOperation({ summary: 'Add an alumni privilege' })
  @ApiCreatedResponse({ type: PrivilegeResponse })
  createPrivilege(@Body() body: PrivilegeDto, @CurrentSubject() subject: Subject, @Req() request: Request): Promise<PrivilegeResponse> {
    return this.ecards.createPrivilege(body, actorOf(subject, request));
  }

  @Put('privileges/:id')
  @ApiOperation({ summary: 'Replace an alumni privilege' })
  @ApiOkResponse({ type: PrivilegeResponse })
  updatePrivilege(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: PrivilegeDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<PrivilegeResponse> {
    return this.ecards.updatePrivilege(id, body, actorOf(subject, request));
  }

  @Delete('privileges/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alumni privilege' })
  @ApiNoContentResponse()
  async deletePrivilege(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<void> {
    await this.ecards.deletePrivilege(id, actorOf(subject, request));
  }
}
