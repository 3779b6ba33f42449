import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `new`: the card had no approved photo yet; `changed`: it replaces an approved one. */
export type EcardPhotoKind = 'new' | 'changed';
/** `superseded`: a newer upload replaced it before it was reviewed. */
export type EcardPhotoReviewStatus = 'pending' | 'approved' | 'rejected' | 'superseded';

/** One uploaded photo of an eCard (every version is kept for the review trail). JPEG bytes are not selected by default. */
@Entity({ name: 'ecard_photo' })
export class EcardPhotoEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'ecard_id', type: 'integer' })
  ecardId!: number;

  @Column({ type: 'text' })
  kind!: EcardPhotoKind;

  @Column({ name: 'card_jpeg', type: 'bytea', select: false })
  cardJpeg!: Buffer;

  @Column({ name: 'thumb_jpeg', type: 'bytea', select: false })
  thumbJpeg!: Buffer;

  @Column({ type: 'bytea' })
  sha256!: Buffer;

  @Column({ name: 'review_status', type: 'text' })
  reviewStatus!: EcardPhotoReviewStatus;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
