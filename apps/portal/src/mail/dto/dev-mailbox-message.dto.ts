import { ApiProperty } from '@nestjs/swagger';
import type { CaughtMail } from '../mail-catcher.js';

export class DevMailboxMessageDto {
  @ApiProperty({ example: '3', description: 'Increasing: a larger id is a newer message' })
  id!: string;

  @ApiProperty({ type: [String], example: ['alumna@example.com'] })
  to!: string[];

  @ApiProperty({ example: 'CampusPass <no-reply@campuspass.localhost>' })
  from!: string;

  @ApiProperty({ example: 'Your Alumni Portal sign-in code' })
  subject!: string;

  @ApiProperty({ example: '2026-11-26T09:30:00.000Z' })
  date!: string;

  @ApiProperty({ description: 'Plain-text body' })
  text!: string;

  @ApiProperty({ description: 'HTML body (show it only in a sandboxed frame)' })
  html!: string;
}

export function mapDevMailboxMessage(mail: CaughtMail): DevMailboxMessageDto {
  return { id: mail.id, to: [...mail.to], from: mail.from, subject: mail.subject, date: mail.date, text: mail.text, html: mail.html };
}
