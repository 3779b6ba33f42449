import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 100;

/** `GET /api/admin/alumni?q=&cursor=&limit=` */
export class AlumniSearchQueryDto {
  @ApiProperty({
    description:
      'A name (English or Chinese, any order, partial), student number, alumni number, email or NetID; identifiers match from their start',
    example: 'chan tai',
  })
  @Transform(trim)
  @IsString({ message: 'q must be the text to search for.' })
  @Length(1, 100, { message: 'Please enter 1 to 100 characters to search for (a name, student or alumni number, email or NetID).' })
  q!: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(400, { message: 'cursor must be a nextCursor from a previous page.' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}.` })
  @Min(1, { message: `limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}.` })
  @Max(SEARCH_MAX_LIMIT, { message: `limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}.` })
  limit?: number;
}
