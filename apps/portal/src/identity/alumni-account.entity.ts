import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type MailLocale = 'en' | 'zh-Hant';

/** An alumnus who registered a sign-in email. One per graduate; the email is stored lower-cased. */
@Entity({ name: 'alumni_account' })
export class AlumniAccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'graduate_id', type: 'uuid' })
  graduateId!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  locale!: MailLocale;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
