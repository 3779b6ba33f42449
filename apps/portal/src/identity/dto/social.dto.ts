import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import type { MailLocale } from '../alumni-account.entity.js';
import { SOCIAL_PROVIDERS } from '../social-link.entity.js';
import { CODE_MESSAGE, LOCALES, Trim } from './email-sign-in.dto.js';

export class SocialProviderResponse {
  @ApiProperty({ enum: SOCIAL_PROVIDERS })
  id!: string;
  @ApiProperty({ example: 'Google' })
  name!: string;
  @ApiProperty({ example: '/api/sign-in/social/google/start', description: 'Navigate the browser here (not a fetch).' })
  startUrl!: string;
}

export class SocialProvidersResponse {
  @ApiProperty({ type: [SocialProviderResponse], description: 'Only the configured providers.' })
  providers!: SocialProviderResponse[];
}

export class SocialPendingLinkResponse {
  @ApiProperty({ enum: SOCIAL_PROVIDERS })
  provider!: string;
  @ApiProperty({ example: 'Google' })
  providerName!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The email the provider showed; shown only, it never picks the account.' })
  emailSeen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A verified, non-relay email to prefill the field with.' })
  suggestedEmail!: string | null;
  @ApiProperty({ description: 'Whether a code was already asked for.' })
  codeSent!: boolean;
  @ApiProperty()
  expiresAt!: string;
}

export class SocialLinkStartDto {
  @ApiProperty({ example: 'chan.taiman@example.com', description: 'The email registered on the Alumni Portal.' })
  @Trim()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: LOCALES, required: false, description: "Language of the email (the account's own when left out)" })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}

export class SocialLinkVerifyDto {
  @ApiProperty({ example: '123456' })
  @Trim()
  @Matches(/^\d{6}$/, { message: CODE_MESSAGE })
  code!: string;
}

export class SocialLinkStartedResponse {
  @ApiProperty()
  message!: string;
}

export class SocialLinkResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: SOCIAL_PROVIDERS })
  provider!: string;
  @ApiProperty({ example: 'Google' })
  providerName!: string;
  @ApiProperty({ nullable: true, type: String })
  emailSeen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Apple's name (sent once) or WeChat's nickname." })
  displayName!: string | null;
  @ApiProperty()
  linkedAt!: string;
  @ApiProperty()
  lastUsedAt!: string;
}

export class SocialLinksResponse {
  @ApiProperty({ type: [SocialLinkResponse] })
  links!: SocialLinkResponse[];
}
