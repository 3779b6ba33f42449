import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import type { MailLocale } from '../alumni-account.entity.js';

export const LOCALES: readonly MailLocale[] = ['en', 'zh-Hant'];
const CODE = /^\d{6}$/;

/** Spaces around a typed or pasted value are not part of it. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
export const CODE_MESSAGE = 'The code is the 6 digits from the email we sent you.';

export class EmailSignInStartDto {
  @ApiProperty({ example: 'chan.taiman@example.com' })
  @Trim()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: LOCALES, required: false, description: "Language of the email (the account's own when left out)" })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}

export class CodeRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'requestId must be the id returned when the code was asked for.' })
  requestId!: string;
}

export class CodeVerifyDto extends CodeRequestDto {
  @ApiProperty({ example: '123456' })
  @Trim()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;
}

export class CodeRequestedResponse {
  @ApiProperty({ format: 'uuid', description: 'Send it back with the code.' })
  requestId!: string;

  @ApiProperty()
  message!: string;
}

export class SubjectResponse {
  @ApiProperty({ enum: ['alumnus', 'staff'] })
  type!: string;
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ type: [String] })
  roles!: string[];
}

export class SessionResponse {
  @ApiProperty()
  authenticated!: boolean;
  @ApiProperty({ type: SubjectResponse, required: false })
  subject?: SubjectResponse;
  @ApiProperty({ required: false, description: 'Echo it in the X-CSRF-Token header of every POST, PUT, PATCH and DELETE.' })
  csrfToken?: string;
  @ApiProperty({ required: false })
  expiresAt?: string;
  @ApiProperty({ required: false })
  idleExpiresAt?: string;
}

export class SessionSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty()
  lastSeenAt!: string;
  @ApiProperty()
  expiresAt!: string;
  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;
  @ApiProperty({ nullable: true, type: String })
  userAgent!: string | null;
  @ApiProperty()
  current!: boolean;
}
