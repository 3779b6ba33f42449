import {
  Controller,
  Get,
  Header,
  HttpCode,
  Injectable,
  Param,
  ParseEnumPipe,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import { EcardQuery, EcardResponse, PhotoUploadResponse } from './dto/ecard.dto.js';
import { EcardException } from './ecard.exception.js';
import { EcardService } from './ecard.service.js';
import { PHOTO_MAX_BYTES } from './photo-processor.js';

export const PHOTO_SIZES = { card: 'card', thumb: 'thumb' } as const;

/** What multer keeps of an uploaded photo (memory storage). */
export interface UploadedPhoto {
  originalname: string;
  size: number;
  buffer: Buffer;
}

/** Multer (memory, one file, 10 MB): a larger photo is refused with 413 and a message that says what to do. */
@Injectable()
export class PhotoFileInterceptor extends FileInterceptor('photo', {
  limits: { fileSize: PHOTO_MAX_BYTES, files: 1, fields: 5 },
}) {
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) {
        throw new EcardException('photo-too-large', 'The photo is larger than 10 MB. Upload a JPEG, PNG or WebP photo of at most 10 MB.', {
          maxBytes: PHOTO_MAX_BYTES,
        });
      }
      throw error;
    }
  }
}

/** The signed-in alumnus's own eCard (the account comes from the session; no id of another card is accepted). */
@ApiTags('ecard')
@Controller('ecard')
@Roles('alumnus')
export class EcardController {
  constructor(private readonly ecards: EcardService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'My eCard: name, photo, alumni number, awards, status, and the alumni privileges' })
  @ApiOkResponse({ type: EcardResponse })
  get(@CurrentSubject() subject: Subject, @Query() query: EcardQuery): Promise<EcardResponse> {
    return this.ecards.getCard(subject.id, query.locale);
  }

  @Post('photo')
  @HttpCode(201)
  @UseInterceptors(PhotoFileInterceptor)
  @ApiOperation({
    summary: 'Upload my photo: activates the eCard at once (contact complete, graduate in the registry); a later photo goes to AAO review',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['photo'], properties: { photo: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: PhotoUploadResponse })
  @ApiBadRequestResponse({
    description:
      'contact-incomplete, photo-missing, photo-not-an-image, photo-unsupported-type, photo-unreadable, photo-too-many-pixels, photo-too-small; nothing stored',
  })
  @ApiForbiddenResponse({ description: 'not-in-registry or ecard-revoked' })
  @ApiPayloadTooLargeResponse({ description: 'photo-too-large (over 10 MB)' })
  upload(
    @CurrentSubject() subject: Subject,
    @UploadedFile() file: UploadedPhoto | undefined,
    @Req() request: Request,
  ): Promise<PhotoUploadResponse> {
    return this.ecards.uploadPhoto(subject.id, file?.buffer, request.ip ?? null);
  }

  @Get('photo/:size')
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOperation({ summary: 'My current eCard photo as JPEG: card (600×800) or thumb (120×160)' })
  @ApiOkResponse({ content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'photo-not-found' })
  async photo(
    @CurrentSubject() subject: Subject,
    @Param('size', new ParseEnumPipe(PHOTO_SIZES)) size: keyof typeof PHOTO_SIZES,
  ): Promise<StreamableFile> {
    return new StreamableFile(await this.ecards.ownPhoto(subject.id, size), { type: 'image/jpeg' });
  }
}
