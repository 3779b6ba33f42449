import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

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

/** The export's query: the range, and the session's CSRF token for clients that send no Sec-Fetch-Site. */
export class ReportExportQuery extends ReportRangeQuery {
  @ApiPropertyOptional({
    description: 'The session CSRF token, only for clients that send no Sec-Fetch-Site header (or send X-CSRF-Token instead)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'csrf must be the security token of your session' })
  csrf?: string;
}
