import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The range of a report or an export: Hong Kong days, inclusive; an optional gate. */
export class ReportRangeQuery {
  @ApiProperty({ description: 'First Hong Kong day, YYYY-MM-DD', example: '2026-09-01' })
  @IsString({ message: 'from is required: the first day as YYYY-MM-DD, e.g. 2026-09-01' })
  @Matches(DATE, { message: 'from must be a date as YYYY-MM-DD, e.g. 2026-09-01' })
  from!: string;

  @ApiProperty({ description: 'Last Hong Kong day (inclusive), YYYY-MM-DD', example: '2026-09-30' })
  @IsString({ message: 'to is required: the last day as YYYY-MM-DD, e.g. 2026-09-30' })
  @Matches(DATE, { message: 'to must be a date as YYYY-MM-DD, e.g. 2026-09-30' })
  to!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this gate; leave out for every gate' })
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsUUID('all', { message: 'gateId must be the id of a gate (a UUID); leave it out for every gate' })
  gateId?: string;
}
