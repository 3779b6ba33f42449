import { AuditLog1764190000000 } from './1764190000000-audit-log.js';
import { GraduateRegistry1764200000000 } from './1764200000000-graduate-registry.js';
import { Identity1764210000000 } from './1764210000000-identity.js';
import { Profile1764220000000 } from './1764220000000-profile.js';
import { Identity21764230000000 } from './1764230000000-identity-2.js';
import { SigningKeys1764240000000 } from './1764240000000-signing-keys.js';
import { Ecard1764250000000 } from './1764250000000-ecard.js';
import { Passes1764260000000 } from './1764260000000-passes.js';

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
];
