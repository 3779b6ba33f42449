import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  EARLIEST_YEAR,
  INDUSTRIES,
  PHONE_TYPES,
  PREFERRED_LANGUAGES,
  PROFILE_LIMITS,
  type Industry,
  type PhoneType,
  type PreferredLanguage,
} from '@campuspass/contracts';
import {
  IsNotBefore,
  MatchesEndMonth,
  IsNotFutureMonth,
  IsNotFutureYear,
  IsPlainLine,
  IsPlainText,
  Trim,
  TrimEach,
  TrimToNull,
  YEAR_MONTH,
} from './profile-validators.js';

const YEAR_MONTH_MESSAGE = '$property must be a year and month as YYYY-MM, e.g. 2020-09';
const TEXT_MAX = 200;
const ADDRESS_MAX = 100;
const DESCRIPTION_MAX = 2000;

/** The version the client read; a write from an older one is refused (409). */
class VersionedDto {
  @ApiProperty({ description: 'The `version` you read; the write is refused with 409 if it changed since.', minimum: 0 })
  @IsInt({ message: '$property must be the whole number you read with the profile' })
  @Min(0, { message: '$property must be the whole number you read with the profile' })
  version!: number;
}

// ---- contact ----

export class PhoneDto {
  @ApiProperty({ enum: PHONE_TYPES })
  @IsIn(PHONE_TYPES, { message: `$property must be one of ${PHONE_TYPES.join(', ')}` })
  type!: PhoneType;

  @ApiProperty({ required: false, nullable: true, example: '+852', description: '+ and 1 to 3 digits' })
  @IsOptional()
  @TrimToNull()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,3}$/.test(value) ? `+${value}` : value))
  @Matches(/^\+\d{1,3}$/, { message: '$property must be + and 1 to 3 digits, e.g. +852' })
  countryCode?: string | null;

  @ApiProperty({ example: '9123 4567', description: '4 to 15 digits; spaces and hyphens are removed' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\s-]/gu, '') : value))
  @Matches(/^\d{4,15}$/, {
    message: '$property: a phone must be digits with an optional +country code (4 to 15 digits here, the country code in countryCode)',
  })
  number!: string;
}

export class AddressDto {
  @ApiProperty({ type: [String], maxItems: PROFILE_LIMITS.addressLines, description: `up to ${ADDRESS_MAX} characters each` })
  @IsArray({ message: '$property must be a list of address lines' })
  @ArrayMaxSize(PROFILE_LIMITS.addressLines, { message: `$property may hold at most ${PROFILE_LIMITS.addressLines} lines` })
  @TrimEach()
  @IsString({ each: true, message: 'each of $property must be text' })
  @MaxLength(ADDRESS_MAX, { each: true, message: `each of $property must be at most ${ADDRESS_MAX} characters` })
  @IsPlainLine({ each: true, message: 'each of $property must be text on one line, without control characters' })
  lines!: string[];

  @ApiProperty({ required: false, nullable: true, maxLength: ADDRESS_MAX })
  @IsOptional()
  @TrimToNull()
  @IsString({ message: '$property must be text' })
  @MaxLength(ADDRESS_MAX, { message: `$property must be at most ${ADDRESS_MAX} characters` })
  @IsPlainLine()
  city?: string | null;

  @ApiProperty({ required: false, nullable: true, maxLength: ADDRESS_MAX, description: 'district, state or province' })
  @IsOptional()
  @TrimToNull()
  @IsString({ message: '$property must be text' })
  @MaxLength(ADDRESS_MAX, { message: `$property must be at most ${ADDRESS_MAX} characters` })
  @IsPlainLine()
  region?: string | null;

  @ApiProperty({ required: false, nullable: true, maxLength: ADDRESS_MAX })
  @IsOptional()
  @TrimToNull()
  @IsString({ message: '$property must be text' })
  @MaxLength(ADDRESS_MAX, { message: `$property must be at most ${ADDRESS_MAX} characters` })
  @IsPlainLine()
  country?: string | null;
}

/** The whole contact section, replaced at once. */
export class UpdateContactDto extends VersionedDto {
  @ApiProperty({
    type: [String],
    maxItems: PROFILE_LIMITS.additionalEmails,
    description: 'Other emails to reach you at (not for signing in)',
  })
  @IsArray({ message: '$property must be a list of emails' })
  @ArrayMaxSize(PROFILE_LIMITS.additionalEmails, { message: `$property may hold at most ${PROFILE_LIMITS.additionalEmails} emails` })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim().toLowerCase() : item)) : value,
  )
  @IsEmail({}, { each: true, message: 'each of $property must be a valid email address' })
  @MaxLength(254, { each: true, message: 'each of $property must be at most 254 characters' })
  @ArrayUnique({ message: '$property must not name the same email twice' })
  additionalEmails!: string[];

  @ApiProperty({ type: [PhoneDto], maxItems: PROFILE_LIMITS.phones })
  @IsArray({ message: '$property must be a list of phones' })
  @ArrayMaxSize(PROFILE_LIMITS.phones, { message: `$property may hold at most ${PROFILE_LIMITS.phones} numbers` })
  @ValidateNested({ each: true })
  @Type(() => PhoneDto)
  phones!: PhoneDto[];

  @ApiProperty({ type: AddressDto })
  @ValidateNested()
  @Type(() => AddressDto)
  @IsNotEmpty({ message: '$property is required (send empty lines and nulls for none)' })
  address!: AddressDto;

  @ApiProperty({ enum: PREFERRED_LANGUAGES })
  @IsIn(PREFERRED_LANGUAGES, { message: `$property must be one of ${PREFERRED_LANGUAGES.join(', ')}` })
  preferredLanguage!: PreferredLanguage;

  @ApiProperty({ description: 'Consent to receive news and event mail from the University' })
  @IsBoolean({ message: '$property must be true or false' })
  newsConsent!: boolean;
}

// ---- career ----

export class CareerEntryDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @Trim()
  @IsString({ message: '$property must be text' })
  @IsNotEmpty({ message: '$property is required' })
  @MaxLength(TEXT_MAX, { message: `$property must be at most ${TEXT_MAX} characters` })
  @IsPlainLine()
  employer!: string;

  @ApiProperty({ maxLength: TEXT_MAX, description: 'job title' })
  @Trim()
  @IsString({ message: '$property must be text' })
  @IsNotEmpty({ message: '$property is required' })
  @MaxLength(TEXT_MAX, { message: `$property must be at most ${TEXT_MAX} characters` })
  @IsPlainLine()
  title!: string;

  @ApiProperty({ enum: INDUSTRIES })
  @IsIn(INDUSTRIES, { message: '$property must be one of the listed industries (GET /api/profile/options)' })
  industry!: Industry;

  @ApiProperty({ example: '2015-09', description: 'YYYY-MM, not in the future' })
  @Matches(YEAR_MONTH, { message: YEAR_MONTH_MESSAGE })
  @IsNotFutureMonth()
  from!: string;

  @ApiProperty({
    required: false,
    nullable: true,
    example: '2019-06',
    description: 'YYYY-MM, not before from, not in the future; null for the current job',
  })
  @IsOptional()
  @Matches(YEAR_MONTH, { message: YEAR_MONTH_MESSAGE })
  @IsNotFutureMonth()
  @IsNotBefore('from')
  to?: string | null;

  @ApiProperty({ description: 'your job now (then leave `to` out); otherwise `to` is required' })
  @IsBoolean({ message: '$property must be true or false' })
  @MatchesEndMonth()
  current!: boolean;
}

export class UpdateCareerEntryDto extends CareerEntryDto {
  @ApiProperty({ minimum: 0 })
  @IsInt({ message: '$property must be the whole number you read with the profile' })
  @Min(0, { message: '$property must be the whole number you read with the profile' })
  version!: number;
}

// ---- education ----

export class EducationEntryDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @Trim()
  @IsString({ message: '$property must be text' })
  @IsNotEmpty({ message: '$property is required' })
  @MaxLength(TEXT_MAX, { message: `$property must be at most ${TEXT_MAX} characters` })
  @IsPlainLine()
  institution!: string;

  @ApiProperty({ maxLength: TEXT_MAX, description: 'e.g. MBA, CPA' })
  @Trim()
  @IsString({ message: '$property must be text' })
  @IsNotEmpty({ message: '$property is required' })
  @MaxLength(TEXT_MAX, { message: `$property must be at most ${TEXT_MAX} characters` })
  @IsPlainLine()
  qualification!: string;

  @ApiProperty({ example: 2016, minimum: EARLIEST_YEAR })
  @IsInt({ message: '$property must be a year, e.g. 2016' })
  @Min(EARLIEST_YEAR, { message: `$property must be ${EARLIEST_YEAR} or later` })
  @Max(9999, { message: '$property must be a year, e.g. 2016' })
  @IsNotFutureYear()
  fromYear!: number;

  @ApiProperty({
    required: false,
    nullable: true,
    example: 2018,
    description: 'not before fromYear, not in the future; null while studying',
  })
  @IsOptional()
  @IsInt({ message: '$property must be a year, e.g. 2018' })
  @Min(EARLIEST_YEAR, { message: `$property must be ${EARLIEST_YEAR} or later` })
  @Max(9999, { message: '$property must be a year, e.g. 2018' })
  @IsNotFutureYear()
  @IsNotBefore('fromYear')
  toYear?: number | null;
}

export class UpdateEducationEntryDto extends EducationEntryDto {
  @ApiProperty({ minimum: 0 })
  @IsInt({ message: '$property must be the whole number you read with the profile' })
  @Min(0, { message: '$property must be the whole number you read with the profile' })
  version!: number;
}

// ---- achievements ----

export class AchievementDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @Trim()
  @IsString({ message: '$property must be text' })
  @IsNotEmpty({ message: '$property is required' })
  @MaxLength(TEXT_MAX, { message: `$property must be at most ${TEXT_MAX} characters` })
  @IsPlainLine()
  title!: string;

  @ApiProperty({ example: 2021, minimum: EARLIEST_YEAR })
  @IsInt({ message: '$property must be a year, e.g. 2021' })
  @Min(EARLIEST_YEAR, { message: `$property must be ${EARLIEST_YEAR} or later` })
  @Max(9999, { message: '$property must be a year, e.g. 2021' })
  @IsNotFutureYear()
  year!: number;

  @ApiProperty({ required: false, nullable: true, maxLength: DESCRIPTION_MAX, description: 'may span lines' })
  @IsOptional()
  @TrimToNull()
  @IsString({ message: '$property must be text' })
  @MaxLength(DESCRIPTION_MAX, { message: `$property must be at most ${DESCRIPTION_MAX} characters` })
  @IsPlainText()
  description?: string | null;
}

export class UpdateAchievementDto extends AchievementDto {
  @ApiProperty({ minimum: 0 })
  @IsInt({ message: '$property must be the whole number you read with the profile' })
  @Min(0, { message: '$property must be the whole number you read with the profile' })
  version!: number;
}

export class DeleteEntryQuery {
  @ApiProperty({ description: 'The `version` of the entry you read', minimum: 0 })
  @Type(() => Number)
  @IsInt({ message: '$property must be the whole number you read with the profile' })
  @Min(0, { message: '$property must be the whole number you read with the profile' })
  version!: number;
}
