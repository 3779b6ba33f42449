import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsPlainLine } from '../../profile/dto/profile-validators.js';

/** The limits the AAO may set (the contract's ADMIN_GUEST_POLICY_LIMITS; repeated here so the DTO is self-contained). */
export const GUEST_POLICY_BOUNDS = {
  maxDaysAhead: { min: 0, max: 365 },
  maxGuestsPerDay: { min: 1, max: 50 },
  purposes: { min: 1, max: 30, maxLength: 100 },
} as const;

const { maxDaysAhead, maxGuestsPerDay, purposes } = GUEST_POLICY_BOUNDS;

const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim().replace(/\s+/gu, ' ') : item)) : value;

/** `PUT /api/admin/guest-policy`: the whole policy. */
export class GuestPolicyUpdateDto {
  @ApiProperty({
    minimum: maxDaysAhead.min,
    maximum: maxDaysAhead.max,
    description: 'How many days ahead a guest may be invited (0: today only)',
  })
  @IsInt({ message: `maxDaysAhead must be a whole number of days from ${maxDaysAhead.min} to ${maxDaysAhead.max}.` })
  @Min(maxDaysAhead.min, { message: `maxDaysAhead must be a whole number of days from ${maxDaysAhead.min} to ${maxDaysAhead.max}.` })
  @Max(maxDaysAhead.max, { message: `maxDaysAhead must be a whole number of days from ${maxDaysAhead.min} to ${maxDaysAhead.max}.` })
  maxDaysAhead!: number;

  @ApiProperty({ minimum: maxGuestsPerDay.min, maximum: maxGuestsPerDay.max, description: 'Guests one alumnus may invite for one day' })
  @IsInt({ message: `maxGuestsPerDay must be a whole number from ${maxGuestsPerDay.min} to ${maxGuestsPerDay.max}.` })
  @Min(maxGuestsPerDay.min, { message: `maxGuestsPerDay must be a whole number from ${maxGuestsPerDay.min} to ${maxGuestsPerDay.max}.` })
  @Max(maxGuestsPerDay.max, { message: `maxGuestsPerDay must be a whole number from ${maxGuestsPerDay.min} to ${maxGuestsPerDay.max}.` })
  maxGuestsPerDay!: number;

  @ApiProperty({
    type: [String],
    minItems: purposes.min,
    maxItems: purposes.max,
    description: `The purposes an alumnus chooses from, in this order: ${purposes.min}..${purposes.max}, each 1..${purposes.maxLength} characters, no two alike`,
  })
  @Transform(trimAll)
  @IsArray({ message: 'purposes must be a list of purposes.' })
  @ArrayMinSize(purposes.min, { message: 'Please give at least one purpose of visit.' })
  @ArrayMaxSize(purposes.max, { message: `Please give at most ${purposes.max} purposes of visit.` })
  @IsString({ each: true, message: 'Each purpose must be text.' })
  @IsNotEmpty({ each: true, message: 'A purpose cannot be empty: type a purpose or remove the line.' })
  @MaxLength(purposes.maxLength, { each: true, message: `Each purpose must be at most ${purposes.maxLength} characters.` })
  @IsPlainLine({
    each: true,
    message: 'Each purpose must be text on one line, without line breaks, control or bidirectional-override characters.',
  })
  @ArrayUnique((purpose: unknown) => (typeof purpose === 'string' ? purpose.toLowerCase() : purpose), {
    message: 'Each purpose may appear only once (ignoring case): remove the repeated one.',
  })
  purposes!: string[];

  @ApiProperty({ description: 'Guest passes are issued single-entry (each guest is admitted once)' })
  @IsBoolean({ message: 'singleEntry must be true or false.' })
  singleEntry!: boolean;
}
