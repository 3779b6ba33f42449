import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { MAIL_LOCALES, type MailLocale } from '../../mail/mail-templates.js';
import { IsPlainLine } from '../../profile/dto/profile-validators.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim() : item)) : value;

export class DateInWordsResponse {
  @ApiProperty({ example: 'Thursday 27 November 2026' })
  en!: string;

  @ApiProperty({ name: 'zh-Hant', example: '2026年11月27日星期四' })
  'zh-Hant'!: string;
}

export class DayPassResponse {
  @ApiProperty({ format: 'uuid', description: 'The 128-bit pass id' })
  passId!: string;

  @ApiProperty({ description: 'Hong Kong calendar day, days since 1970-01-01' })
  campusDay!: number;

  @ApiProperty({ example: '2026-11-27', description: 'The campus day as a Hong Kong date' })
  date!: string;

  @ApiProperty({ type: DateInWordsResponse })
  dateInWords!: DateInWordsResponse;

  @ApiProperty({ description: 'The signed pass as QR text (CP1: + base45)' })
  qrText!: string;

  @ApiProperty({ description: 'The QR code of qrText, as an SVG document' })
  qrSvg!: string;
}

export class GuestPassRequestDto {
  @ApiProperty({ example: '2026-12-01', description: 'Access date (Hong Kong), today up to the policy limit ahead' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a date as YYYY-MM-DD' })
  date!: string;

  @ApiProperty({ description: 'One of the purposes of GET /api/guest-passes/policy' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  purpose!: string;

  @ApiProperty({ type: [String], minItems: 1, description: 'Guest names (1..100 characters each); at most the policy limit per day' })
  @Transform(trimAll)
  @IsArray()
  @ArrayMinSize(1, { message: 'Please enter at least one guest name.' })
  // Only a bound on the request size: the policy's per-day limit is checked (with a clearer message) by the service.
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 100, { each: true, message: 'Each guest name must be 1 to 100 characters.' })
  // Shown to guards and mailed: no line breaks, control or bidirectional-override characters that disguise a name.
  @IsPlainLine({ each: true, message: 'Each guest name must be text on one line, without control characters.' })
  guests!: string[];
}

export class GuestShareResponse {
  @ApiProperty({ description: 'The public guest page: PUBLIC_URL/g/<token>' })
  link!: string;

  @ApiProperty({ description: 'https://wa.me/?text= with the invitation and the link' })
  whatsappUrl!: string;
}

export class GuestPassResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  guestName!: string;

  @ApiProperty()
  purpose!: string;

  @ApiProperty({ example: '2026-12-01' })
  date!: string;

  @ApiProperty({ type: DateInWordsResponse })
  dateInWords!: DateInWordsResponse;

  @ApiProperty({ enum: ['valid', 'cancelled', 'revoked', 'expired'] })
  status!: 'valid' | 'cancelled' | 'revoked' | 'expired';

  @ApiPropertyOptional({ description: 'Only while valid' })
  qrText?: string;

  @ApiPropertyOptional({ description: 'Only while valid, and only on GET /api/guest-passes/:id' })
  qrSvg?: string;

  @ApiPropertyOptional({ type: GuestShareResponse, description: 'Only while valid' })
  share?: GuestShareResponse;
}

export class GuestPolicyResponse {
  @ApiProperty()
  maxDaysAhead!: number;

  @ApiProperty()
  maxGuestsPerDay!: number;

  @ApiProperty({ type: [String] })
  purposes!: string[];

  @ApiProperty({ description: 'Earliest access date (today in Hong Kong)' })
  firstDate!: string;

  @ApiProperty({ description: 'Latest access date' })
  lastDate!: string;

  @ApiProperty({ description: 'Guest passes admit once (single entry); false: a guest may go in and out on the day' })
  singleEntry!: boolean;
}

export class PublicGuestPassResponse {
  @ApiProperty()
  guestName!: string;

  @ApiProperty()
  date!: string;

  @ApiProperty({ type: DateInWordsResponse })
  dateInWords!: DateInWordsResponse;

  @ApiProperty({ enum: ['valid', 'cancelled', 'revoked', 'expired'] })
  status!: 'valid' | 'cancelled' | 'revoked' | 'expired';

  @ApiPropertyOptional({ description: 'The QR code as SVG, only while valid' })
  qrSvg?: string;
}

export class ShareEmailDto {
  @ApiProperty({ format: 'email', description: "The guest's email address" })
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'Please enter a valid email address for the guest.' })
  to!: string;

  @ApiProperty({ enum: MAIL_LOCALES, description: 'Language of the email' })
  @IsIn(MAIL_LOCALES)
  locale!: MailLocale;
}

export class ShareEmailResponse {
  @ApiProperty({ enum: ['queued', 'sent'] })
  delivery!: 'queued' | 'sent';

  @ApiProperty({ description: 'The recipient, masked' })
  to!: string;
}
