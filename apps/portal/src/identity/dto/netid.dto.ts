import { ApiProperty } from '@nestjs/swagger';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { isValidHkid } from '../../alumni/hkid.js';
import type { MailLocale } from '../alumni-account.entity.js';
import { CODE_MESSAGE, LOCALES, Trim } from './email-sign-in.dto.js';
import { GraduateIdentityDto } from './registration.dto.js';

@ValidatorConstraint({ name: 'hkid' })
class HkidConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isValidHkid(value);
  }
  defaultMessage(): string {
    return 'Please enter your HKID number as on your card, like A123456(3); the digit in brackets must be right.';
  }
}

/** Surname, given name, date of birth and personal ID (required here: an HKID with its check digit). */
export class NetIdDetailsDto extends GraduateIdentityDto {
  @ApiProperty({ example: 'A123456(3)', description: 'HKID; checked against the registry, never stored in clear' })
  @IsString()
  @IsNotEmpty({ message: 'Please enter your personal ID (HKID) number.' })
  @MaxLength(40)
  @Validate(HkidConstraint)
  personalId!: string;

  @ApiProperty({ enum: LOCALES, required: false, default: 'en', description: 'Language of the email' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or zh-Hant' })
  locale?: MailLocale;
}

export class NetIdRegisterDto extends NetIdDetailsDto {
  @ApiProperty({ example: 'Chan Tai-Man', description: 'Letters, digits, hyphens and spaces; the NetID and email alias are made from it' })
  @IsString()
  @IsNotEmpty({ message: 'Please enter a Display Name.' })
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({ description: 'NetPassword: at least 8 characters, not a common password' })
  @IsString()
  @IsNotEmpty({ message: 'Please choose a NetPassword.' })
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ required: false, description: "The ALTCHA widget's payload (base64)" })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  captcha?: string;
}

export class NetIdRegisteredResponse {
  @ApiProperty({ example: 'chan.tai-man' })
  netId!: string;
  @ApiProperty({ example: 'chan.tai-man@connect.polyu.hk' })
  emailAlias!: string;
  @ApiProperty({ example: 'c***@example.com' })
  maskedEmail!: string;
  @ApiProperty()
  message!: string;
}

export class NetIdSignInDto {
  @ApiProperty({ example: 'chan.tai-man' })
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'Please enter your NetID.' })
  @MaxLength(64)
  netId!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty({ message: 'Please enter your NetPassword.' })
  @MaxLength(1024)
  password!: string;
}

export class ForgotNetPasswordStartDto extends NetIdDetailsDto {
  @ApiProperty({ example: 'chan.tai-man' })
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'Please enter your NetID.' })
  @MaxLength(64)
  netId!: string;
}

export class NetIdCodeSentResponse {
  @ApiProperty({ description: 'Send it back with the code.' })
  ticket!: string;
  @ApiProperty({ example: 'c***@example.com' })
  maskedEmail!: string;
  @ApiProperty()
  expiresAt!: string;
  @ApiProperty()
  message!: string;
}

export class NetIdCodeDto {
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

export class NetIdShownResponse {
  @ApiProperty({ example: 'chan.tai-man' })
  netId!: string;
}

export class NetPasswordResetDto extends NetIdCodeDto {
  @ApiProperty({ description: 'The new NetPassword' })
  @IsString()
  @IsNotEmpty({ message: 'Please choose a new NetPassword.' })
  @MaxLength(1024)
  password!: string;
}

export class NetPasswordResetResponse {
  @ApiProperty()
  netId!: string;
  @ApiProperty({ description: 'Sessions of the account that were ended' })
  sessionsEnded!: number;
  @ApiProperty()
  message!: string;
}

export class ConfirmAlumniNetIdDto {
  @ApiProperty({ example: 'chan.tai-man' })
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'Please give the NetID to confirm as the Alumni NetID.' })
  @MaxLength(64)
  netId!: string;
}

export class PersonNetIdResponse {
  @ApiProperty()
  netId!: string;
  @ApiProperty({ enum: ['student', 'alumni'] })
  kind!: 'student' | 'alumni';
  @ApiProperty()
  studentNumber!: string;
  @ApiProperty({ description: 'The AAO confirmed this one as the Alumni NetID' })
  confirmed!: boolean;
}

export class PersonNetIdsResponse {
  @ApiProperty({ type: [PersonNetIdResponse] })
  netIds!: PersonNetIdResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'The confirmed Alumni NetID (or the only one, unconfirmed: null)' })
  confirmedNetId!: string | null;
}
