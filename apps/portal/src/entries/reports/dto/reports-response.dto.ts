import { ApiProperty } from '@nestjs/swagger';
import type {
  ReportDay,
  ReportDenialReason,
  ReportGate,
  ReportGateFigures,
  ReportHour,
  ReportSummary,
  ReportTotals,
} from '@campuspass/contracts';

/*
 * The OpenAPI description of the reports' answers; the shapes themselves are libs/contracts reports-api.ts, which
 * these classes implement so the two cannot drift apart.
 */

export class ReportGateResponse implements ReportGate {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: ['pending', 'active', 'revoked'] })
  status!: ReportGate['status'];
}

export class ReportGatesResponse {
  @ApiProperty({ type: [ReportGateResponse] })
  gates!: ReportGateResponse[];
}

export class ReportDayResponse implements ReportDay {
  @ApiProperty({ example: '2026-09-01', description: 'Hong Kong day' })
  date!: string;
  @ApiProperty({ type: 'integer', description: 'Granted scans of alumni day passes' })
  alumni!: number;
  @ApiProperty({ type: 'integer', description: 'Granted scans of guest passes' })
  guests!: number;
  @ApiProperty({ type: 'integer', description: 'Denied scans' })
  denied!: number;
}

export class ReportGateFiguresResponse implements ReportGateFigures {
  @ApiProperty({ format: 'uuid' })
  gateId!: string;
  @ApiProperty()
  gateName!: string;
  @ApiProperty({ type: 'integer', description: 'Granted scans' })
  visits!: number;
  @ApiProperty({ type: 'integer' })
  alumni!: number;
  @ApiProperty({ type: 'integer' })
  guests!: number;
  @ApiProperty({ type: 'integer' })
  denied!: number;
}

export class ReportHourResponse implements ReportHour {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23, description: 'Hour of the day, Hong Kong time' })
  hour!: number;
  @ApiProperty({ type: 'integer', description: 'Granted scans' })
  visits!: number;
}

export class ReportDenialReasonResponse implements ReportDenialReason {
  @ApiProperty({ description: "A DENIAL_REASONS code, or 'unknown'" })
  reason!: string;
  @ApiProperty({ type: 'integer' })
  count!: number;
}

export class ReportTotalsResponse implements ReportTotals {
  @ApiProperty({ type: 'integer', description: 'Granted scans (a passage after a scan is not another visit)' })
  visits!: number;
  @ApiProperty({ type: 'integer' })
  alumniVisits!: number;
  @ApiProperty({ type: 'integer' })
  guestVisits!: number;
  @ApiProperty({ type: 'integer' })
  denied!: number;
  @ApiProperty({ type: 'integer', description: 'Distinct eCards with a granted alumni scan' })
  uniqueAlumni!: number;
  @ApiProperty({ type: 'integer', description: 'Distinct guest passes with a granted scan' })
  uniqueGuests!: number;
}

export class ReportSummaryResponse implements ReportSummary {
  @ApiProperty({ example: '2026-09-01' })
  from!: string;
  @ApiProperty({ example: '2026-09-30' })
  to!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  gateId!: string | null;
  @ApiProperty({ enum: ['Asia/Hong_Kong'] })
  timeZone!: 'Asia/Hong_Kong';
  @ApiProperty({ type: ReportTotalsResponse })
  totals!: ReportTotalsResponse;
  @ApiProperty({ type: [ReportDayResponse], description: 'Every day of the range, zeros included' })
  days!: ReportDayResponse[];
  @ApiProperty({ type: [ReportGateFiguresResponse], description: 'Gates with a scan in the range, busiest first' })
  gates!: ReportGateFiguresResponse[];
  @ApiProperty({ type: [ReportHourResponse], description: 'All 24 hours' })
  hours!: ReportHourResponse[];
  @ApiProperty({ type: [ReportDenialReasonResponse], description: 'Most frequent first' })
  denials!: ReportDenialReasonResponse[];
}
