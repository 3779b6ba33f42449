import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type EcardStatus = 'active' | 'revoked';
export type EcardPhotoStatus = 'pending-review' | 'approved' | 'rejected';

/** An alumnus's eCard (one per alumni account). The integer id is the 32-bit eCard id passes carry. */
@Entity({ name: 'ecard' })
export class EcardEntity {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'ALWAYS' })
  id!: number;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'graduate_id', type: 'uuid' })
  graduateId!: string;

  /** `A` and the id in 8 digits (a generated column): printed on the card; not the student number. */
  @Column({ name: 'alumni_number', type: 'text', insert: false, update: false })
  alumniNumber!: string;

  @Column({ type: 'text' })
  status!: EcardStatus;

  @Column({ name: 'activated_at', type: 'timestamptz' })
  activatedAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason!: string | null;

  @Column({ name: 'photo_status', type: 'text' })
  photoStatus!: EcardPhotoStatus;

  @Column({ name: 'current_photo_id', type: 'uuid', nullable: true })
  currentPhotoId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
