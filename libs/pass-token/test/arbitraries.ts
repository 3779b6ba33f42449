// fast-check generators for valid pass fields.
import fc from 'fast-check';
import { MAX_CAMPUS_DAY, MAX_ECARD_ID, MAX_GUEST_INDEX, MAX_SCOPE } from '../src/layout.js';
import type { AlumniDayPassFields, GuestPassFields, PassFields } from '../src/pass-fields.js';

const common = {
  passId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex')),
  campusDay: fc.integer({ min: 0, max: MAX_CAMPUS_DAY }),
  scope: fc.integer({ min: 0, max: MAX_SCOPE }),
  flags: fc.record({ singleEntry: fc.boolean() }),
};

export const alumniDayFields: fc.Arbitrary<AlumniDayPassFields> = fc.record({
  kind: fc.constant('alumni-day' as const),
  ...common,
  ecardId: fc.integer({ min: 1, max: MAX_ECARD_ID }),
});

export const guestFields: fc.Arbitrary<GuestPassFields> = fc.record({
  kind: fc.constant('guest' as const),
  ...common,
  hostEcardId: fc.integer({ min: 1, max: MAX_ECARD_ID }),
  guestIndex: fc.integer({ min: 1, max: MAX_GUEST_INDEX }),
});

export const passFields: fc.Arbitrary<PassFields> = fc.oneof(alumniDayFields, guestFields);
