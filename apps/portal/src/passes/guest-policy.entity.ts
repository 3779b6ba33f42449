import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The AAO's guest access policy: a single row. */
@Entity({ name: 'guest_policy' })
export class GuestPolicyEntity {
  @PrimaryColumn({ type: 'boolean' })
  id!: boolean;

  @Column({ name: 'max_days_ahead', type: 'integer' })
  maxDaysAhead!: number;

  @Column({ name: 'max_guests_per_day', type: 'integer' })
  maxGuestsPerDay!: number;

  @Column({ type: 'text', array: true })
  purposes!: string[];

  /** Guest passes are issued single-entry (the gate admits each once); off: a guest may go in and out on the day. */
  @Column({ name: 'single_entry', type: 'boolean' })
  singleEntry!: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
