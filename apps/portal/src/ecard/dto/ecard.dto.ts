import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { MAIL_LOCALES, type MailLocale } from '../../mail/mail-templates.js';
import { IsPlainLine, IsPlainText } from '../../profile/dto/profile-validators.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class EcardQuery {
  @ApiPropertyOptional({ enum: MAIL_LOCALES, description: 'Privileges in this language; both languages when left out' })
  @IsOptional()
  @IsIn(MAIL_LOCALES)
  locale?: MailLocale;
}

export class ReasonDto {
  @ApiProperty({ description: 'Shown to the alumnus (in the email) and kept in the audit log', minLength: 3, maxLength: 1000 })
  @Transform(trim)
  @IsString()
  @Length(3, 1000)
  @IsPlainText({
    message: 'reason must be text without control or bidirectional-override characters: it is mailed to the alumnus as typed.',
  })
  reason!: string;
}

export class PrivilegeDto {
  @ApiProperty({ maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  @IsPlainLine({ message: 'titleEn must be text on one line, without line breaks, control or bidirectional-override characters' })
  titleEn!: string;

  @ApiProperty({ maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  @IsPlainLine({ message: 'titleZhHant must be text on one line, without line breaks, control or bidirectional-override characters' })
  titleZhHant!: string;

  @ApiProperty({ maxLength: 2000 })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  @IsPlainText({ message: 'descriptionEn must be text without control or bidirectional-override characters' })
  descriptionEn!: string;

  @ApiProperty({ maxLength: 2000 })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  @IsPlainText({ message: 'descriptionZhHant must be text without control or bidirectional-override characters' })
  descriptionZhHant!: string;

  @ApiPropertyOptional({ default: 0, description: 'Lower first' })
  @IsOptional()
  @IsInt()
  @Min(-100000)
  @Max(100000)
  sortOrder?: number;

  @ApiPropertyOptional({ default: true, description: 'Only active privileges are shown to alumni' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class AwardResponse {
  @ApiProperty() programme!: string;
  @ApiProperty() award!: string;
  @ApiProperty() institution!: string;
  @ApiProperty() graduationYear!: number;
}

export class NameResponse {
  @ApiProperty() surname!: string;
  @ApiProperty() givenName!: string;
}

export class EcardPhotoResponse {
  @ApiProperty({ enum: ['pending-review', 'approved', 'rejected'] })
  status!: 'pending-review' | 'approved' | 'rejected';
  @ApiProperty({ description: 'GET this (own session) for the 600×800 JPEG; changes when the photo changes' })
  cardUrl!: string;
  @ApiProperty({ description: '120×160 JPEG' })
  thumbUrl!: string;
  @ApiProperty({ format: 'date-time' })
  uploadedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why the AAO rejected the photo (status rejected)' })
  rejectionReason!: string | null;
}

export class LocalizedTextResponse {
  @ApiProperty() en!: string;
  @ApiProperty({ name: 'zh-Hant' }) 'zh-Hant'!: string;
}

export class PrivilegeViewResponse {
  @ApiProperty() id!: string;
  @ApiProperty({
    description: 'A string with ?locale=, else { en, zh-Hant }',
    oneOf: [{ type: 'string' }, { type: 'object', properties: { en: { type: 'string' }, 'zh-Hant': { type: 'string' } } }],
  })
  title!: string | LocalizedTextResponse;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object', properties: { en: { type: 'string' }, 'zh-Hant': { type: 'string' } } }] })
  description!: string | LocalizedTextResponse;
}

export class EcardResponse {
  @ApiProperty({ type: Number, nullable: true }) ecardId!: number | null;
  @ApiProperty({ enum: ['not-activated', 'active', 'revoked'] })
  status!: 'not-activated' | 'active' | 'revoked';
  @ApiProperty({ type: NameResponse }) name!: NameResponse;
  @ApiProperty({ type: String, nullable: true, description: '`A` + 8 digits' }) alumniNumber!: string | null;
  @ApiProperty({ type: [AwardResponse] }) awards!: AwardResponse[];
  @ApiProperty({ type: EcardPhotoResponse, nullable: true }) photo!: EcardPhotoResponse | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) activatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) revocationReason!: string | null;
  @ApiProperty({ description: 'FAQ 19: contact information must be complete before the photo upload' })
  contactComplete!: boolean;
  @ApiProperty({ type: [PrivilegeViewResponse] }) privileges!: PrivilegeViewResponse[];
}

export class PhotoUploadResponse {
  @ApiProperty({ description: 'True when this upload activated the eCard' }) activated!: boolean;
  @ApiProperty({ type: EcardResponse }) ecard!: EcardResponse;
}

export class ReviewItemResponse {
  @ApiProperty() photoId!: string;
  @ApiProperty() ecardId!: number;
  @ApiProperty() alumniNumber!: string;
  @ApiProperty({ type: NameResponse }) name!: NameResponse;
  @ApiProperty({ enum: ['new', 'changed'] }) kind!: 'new' | 'changed';
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty({ description: 'data:image/jpeg;base64,… (120×160)' }) thumbnail!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The approved photo a changed one replaces (data URL)' })
  previousThumbnail!: string | null;
  @ApiProperty({ description: 'GET for the 600×800 JPEG' }) photoUrl!: string;
}

export class ReviewResultResponse {
  @ApiProperty() photoId!: string;
  @ApiProperty({ enum: ['approved', 'rejected'] }) reviewStatus!: 'approved' | 'rejected';
  @ApiProperty() ecardId!: number;
  @ApiProperty({ enum: ['pending-review', 'approved', 'rejected'] }) ecardPhotoStatus!: string;
}

export class AdminEcardResponse {
  @ApiProperty() id!: number;
  @ApiProperty() alumniNumber!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: 'active' | 'revoked';
  @ApiProperty({ enum: ['pending-review', 'approved', 'rejected'] }) photoStatus!: string;
  @ApiProperty({ format: 'date-time' }) activatedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) revocationReason!: string | null;
}

export class PrivilegeResponse {
  @ApiProperty() id!: string;
  @ApiProperty() titleEn!: string;
  @ApiProperty() titleZhHant!: string;
  @ApiProperty() descriptionEn!: string;
  @ApiProperty() descriptionZhHant!: string;
  @ApiProperty() sortOrder!: number;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
