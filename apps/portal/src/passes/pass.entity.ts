import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PassKindValue = 'alumni-day' | 'guest';
export type PassStatus = 'active' | 'cancelled' | 'revoked';

/** A pass the portal signed. `id` is the pass's 128-bit id; `ecardId` the holder's (day pass) or host's (guest) eCard. */
@Entity({ name: 'pass' })
export class PassEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: PassKindValue;

  @Column({ name: 'ecard_id', type: 'integer' })
  ecardId!: number;

  @Column({ name: 'guest_index', type: 'smallint', nullable: true })
  guestIndex!: number | null;

  @Column({ name: 'guest_name', type: 'text', nullable: true })
  guestName!: string | null;

  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  @Column({ name: 'campus_day', type: 'integer' })
  campusDay!: number;

  @Column({ type: 'text' })
  kid!: string;

  @Column({ name: 'qr_text', type: 'text' })
  qrText!: string;

  @Column({ type: 'text' })
  status!: PassStatus;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'share_token_hash', type: 'bytea', nullable: true })
  shareTokenHash!: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
