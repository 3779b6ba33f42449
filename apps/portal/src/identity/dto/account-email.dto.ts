import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import type { MailLocale } from '../alumni-account.entity.js';
import { LOCALES, Trim } from './email-sign-in.dto.js';

export class ReauthenticateStartDto {
  @ApiProperty({ enum: LOCALES, required: false, description: "Language of the email (the account's own when left out)" })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}

export class ReauthenticatedResponse {
  @ApiProperty({ description: 'Until when this session may change the sign-in email without confirming again (ISO 8601).' })
  validUntil!: string;
}

export class EmailChangeStartDto {
  @ApiProperty({ example: 'chan.taiman@new.example.com' })
  @Trim()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  newEmail!: string;

  @ApiProperty({ enum: LOCALES, required: false, description: "Language of the emails (the account's own when left out)" })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}

export class EmailChangeStartedResponse {
  @ApiProperty({ format: 'uuid', description: 'Send it back with the code.' })
  requestId!: string;
  @ApiProperty({ example: 'c***@new.example.com' })
  maskedEmail!: string;
  @ApiProperty()
  message!: string;
}

export class EmailChangedResponse {
  @ApiProperty({ description: 'The new sign-in email.' })
  email!: string;
  @ApiProperty({ description: 'How many other sessions were ended.' })
  otherSessionsEnded!: number;
}
