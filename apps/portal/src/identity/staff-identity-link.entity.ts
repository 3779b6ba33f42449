import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A staff account's identity at the university's OIDC provider, keyed by (issuer, subject). */
@Entity({ name: 'staff_identity_link' })
export class StaffIdentityLinkEntity {
  @PrimaryColumn({ type: 'text' })
  issuer!: string;

  @PrimaryColumn({ type: 'text' })
  subject!: string;

  @Column({ name: 'staff_id', type: 'uuid' })
  staffId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt!: Date;
}
