import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Proof that someone matched a graduate in the registry a moment ago; the id is the HMAC of the ticket. */
@Entity({ name: 'registration_ticket' })
export class RegistrationTicketEntity {
  @PrimaryColumn({ type: 'bytea' })
  id!: Buffer;

  @Column({ name: 'graduate_id', type: 'uuid' })
  graduateId!: string;

  @Column({ name: 'email_on_record', type: 'text', nullable: true })
  emailOnRecord!: string | null;

  @Column({ name: 'code_request_id', type: 'uuid', nullable: true })
  codeRequestId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
