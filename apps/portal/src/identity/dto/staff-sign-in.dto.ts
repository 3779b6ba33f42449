import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { MailLocale } from '../alumni-account.entity.js';
import { LOCALES, Trim } from './email-sign-in.dto.js';

export class StaffSignInStartDto {
  @ApiProperty({ example: 'officer@example.edu' })
  @Trim()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1, { message: 'Please enter your password.' })
  @MaxLength(256)
  password!: string;

  @ApiProperty({ enum: LOCALES, required: false, default: 'en' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}
