import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PhoneType, PreferredLanguage } from '@campuspass/contracts';

export interface StoredPhone {
  type: PhoneType;
  /** `+852`, or null when none was given. */
  countryCode: string | null;
  /** Digits only. */
  number: string;
}

/** An alumnus's contact details (one row per alumni account, created at the first save). */
@Entity({ name: 'alumni_profile' })
export class AlumniProfileEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'additional_emails', type: 'text', array: true })
  additionalEmails!: string[];

  @Column({ type: 'jsonb' })
  phones!: StoredPhone[];

  @Column({ name: 'address_lines', type: 'text', array: true })
  addressLines!: string[];

  @Column({ name: 'address_city', type: 'text', nullable: true })
  addressCity!: string | null;

  @Column({ name: 'address_region', type: 'text', nullable: true })
  addressRegion!: string | null;

  @Column({ name: 'address_country', type: 'text', nullable: true })
  addressCountry!: string | null;

  @Column({ name: 'preferred_language', type: 'text' })
  preferredLanguage!: PreferredLanguage;

  @Column({ name: 'news_consent', type: 'boolean' })
  newsConsent!: boolean;

  /** Bumped by every write; a write must name the version it read (optimistic concurrency). */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
