import { Injectable } from '@nestjs/common';

/**
 * "Now" for identity rules (code expiry, session timeouts, rate-limit windows). Injected rather than read
 * from Date so tests can move time; every timestamp identity writes comes from here, never from the database.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
