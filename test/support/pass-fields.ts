import { randomBytes } from 'node:crypto';

/** The fields of an alumni day pass with a fresh random id, for specs that sign passes with the portal's keys. */
export const alumniDayPassFields = (campusDay: number, ecardId: number) =>
  ({
    kind: 'alumni-day',
    passId: randomBytes(16).toString('hex'),
    campusDay,
    scope: 0,
    flags: { singleEntry: false },
    ecardId,
  }) as const;
