import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 100;
/** Shorter queries match too much and cannot use the trigram index of names. */
export const SEARCH_MIN_LENGTH = 2;
/** NUL and the other control characters: never part of a name or an identifier (and PostgreSQL refuses NUL). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/u;

/** `GET /api/admin/alumni?q=&cursor=&limit=` */
export class AlumniSearchQueryDto {
  @ApiProperty({
    description:
      'A name (English or Chinese, any order, partial), student number, alumni number, email or NetID; identifiers match from their start',
    example: 'chan tai',
  })
  @Transform(trim)
  @IsString({ message: 'q must be the text to search for.' })
  @Length(SEARCH_MIN_LENGTH, 100, {
    message: 'Please enter 2 to 100 characters to search for (a name, student or alumni number, email or NetID).',
  })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'q contains a control character (such as NUL): remove it and type the search again.' })
  q!: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(400, { message: 'cursor must be a nextCursor from a previous page.' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'cursor must be a nextCursor from a previous page.' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}.` })
  @Min(1, { message: `limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}.` })
  @Max(SEARCH_MAX_LIMIT, { message: `limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}.` })
  limit?: number;
}
