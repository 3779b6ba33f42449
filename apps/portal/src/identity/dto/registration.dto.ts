import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { MailLocale } from '../alumni-account.entity.js';
import { CODE_MESSAGE, LOCALES, Trim } from './email-sign-in.dto.js';

/** The registry's identity fields every "prove who you are" form asks for (email registration, NetID flows). */
export class GraduateIdentityDto {
  @ApiProperty({ example: 'Chan' })
  @IsString()
  @IsNotEmpty({ message: 'Please enter your surname.' })
  @MaxLength(100)
  surname!: string;

  @ApiProperty({ example: 'Tai Man' })
  @IsString()
  @IsNotEmpty({ message: 'Please enter your given name.' })
  @MaxLength(100)
  givenName!: string;

  @ApiProperty({ example: '1990-05-17', description: 'YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'Please enter your date of birth as YYYY-MM-DD.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Please enter your date of birth as YYYY-MM-DD.' })
  dateOfBirth!: string;
}

export class RegisterIdentifyDto extends GraduateIdentityDto {
  @ApiProperty({ required: false, example: 'A123456(3)', description: 'HKID or other personal ID; optional, never stored in clear' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  personalId?: string;
}

export class RegisterIdentifyResponse {
  @ApiProperty({ description: 'Short-lived; send it with the next two steps.' })
  ticket!: string;
  @ApiProperty({ nullable: true, type: String, example: 'j***@example.com' })
  maskedEmail!: string | null;
  @ApiProperty({ description: 'An email is already registered (the masked one): "Forget Email"' })
  alreadyRegistered!: boolean;
  @ApiProperty()
  expiresAt!: string;
}

export class RegisterEmailDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  ticket!: string;

  @ApiProperty({ required: false, description: 'Leave out to keep the email shown' })
  @IsOptional()
  @Trim()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  email?: string;

  @ApiProperty({ enum: LOCALES, required: false, default: 'en' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}

export class RegisterEmailResponse {
  @ApiProperty({ example: 'j***@example.com' })
  maskedEmail!: string;
  @ApiProperty()
  message!: string;
}

export class RegisterVerifyDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  ticket!: string;

  @ApiProperty({ example: '123456' })
  @Trim()
  @Matches(/^\d{6}$/, { message: CODE_MESSAGE })
  code!: string;
}
