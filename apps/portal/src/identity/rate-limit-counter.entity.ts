import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Hits of one fixed window of one rate limit for one key (an IP, a hashed email, an account). */
@Entity({ name: 'rate_limit_counter' })
export class RateLimitCounterEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;

  @Column({ type: 'integer' })
  hits!: number;
}
