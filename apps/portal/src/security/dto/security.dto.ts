import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsPlainLine, IsPlainText } from '../../profile/dto/profile-validators.js';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AcknowledgeAlertDto {
  @ApiProperty({ description: 'What was done or found, for the record (trimmed)', minLength: 1, maxLength: 1000 })
  @Transform(trimmed)
  @IsString({ message: 'note must be text: what you did or found, e.g. "Checked on camera: a cleaner pushed the turnstile"' })
  @Length(1, 1000, { message: 'note must have 1 to 1000 characters: what you did or found, e.g. "Gate restarted, online again"' })
  @IsPlainText({ message: 'note must be text without control or bidirectional-override characters, e.g. "Gate restarted, online again"' })
  note!: string;
}

export class HandheldCheckDto {
  @ApiProperty({ description: 'The text of the scanned QR code, as the camera read it (CP1:...)', minLength: 1, maxLength: 1000 })
  @IsString({ message: 'qr must be the text of the scanned QR code' })
  @Length(1, 1000, { message: 'qr must be the text of the scanned QR code (1 to 1000 characters)' })
  qr!: string;

  @ApiPropertyOptional({ description: 'Where the check happens, e.g. "Library side door" (default "Handheld check")', maxLength: 100 })
  @IsOptional()
  @Transform(trimmed)
  @IsString({ message: 'location must be text naming the door, e.g. "Library side door"' })
  @Length(1, 100, { message: 'location must have 1 to 100 characters, e.g. "Library side door", or be left out' })
  @IsPlainLine({
    message:
      'location must be text on one line, without line breaks, control or bidirectional-override characters, e.g. "Library side door"',
  })
  location?: string;
}
