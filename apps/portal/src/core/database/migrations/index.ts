import { AuditLog1764190000000 } from './1764190000000-audit-log.js';
import { GraduateRegistry1764200000000 } from './1764200000000-graduate-registry.js';
import { Identity1764210000000 } from './1764210000000-identity.js';
import { Profile1764220000000 } from './1764220000000-profile.js';
import { Identity21764230000000 } from './1764230000000-identity-2.js';
import { SigningKeys1764240000000 } from './1764240000000-signing-keys.js';
import { Ecard1764250000000 } from './1764250000000-ecard.js';
import { Passes1764260000000 } from './1764260000000-passes.js';
import { SocialSignIn1764290000000 } from './1764290000000-social-sign-in.js';
import { Gates1764270000000 } from './1764270000000-gates.js';
import { GuestSingleEntry1764270000001 } from './1764270000001-guest-single-entry.js';
import { Netid1764280000000 } from './1764280000000-netid.js';
import { GateEnrollment1764300000000 } from './1764300000000-gate-enrollment.js';
import { CodePurposes1764310000000 } from './1764310000000-code-purposes.js';
import { NetidRegistrationCode1764320000000 } from './1764320000000-netid-registration-code.js';
import { EntriesIngest1764330000000 } from './1764330000000-entries-ingest.js';
import { Security1764340000000 } from './1764340000000-security.js';
import { Admin1764350000000 } from './1764350000000-admin.js';
import { Reports1764360000000 } from './1764360000000-reports.js';
import { AlumniAdmin1764370000000 } from './1764370000000-alumni-admin.js';
import { SecurityFixes1764380000000 } from './1764380000000-security-fixes.js';
import { KeyRevocation1764390000000 } from './1764390000000-key-revocation.js';
/** Migrations in the order they run. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [
  AuditLog1764190000000,
  GraduateRegistry1764200000000,
  Identity1764210000000,
  Profile1764220000000,
  Identity21764230000000,
  SigningKeys1764240000000,
  Ecard1764250000000,
  Passes1764260000000,
  Gates1764270000000,
  GuestSingleEntry1764270000001,
  Netid1764280000000,
  SocialSignIn1764290000000,
  GateEnrollment1764300000000,
  CodePurposes1764310000000,
  NetidRegistrationCode1764320000000,
  EntriesIngest1764330000000,
  Security1764340000000,
  Admin1764350000000,
  Reports1764360000000,
  AlumniAdmin1764370000000,
  SecurityFixes1764380000000,
  KeyRevocation1764390000000,
];
