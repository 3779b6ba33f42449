import { AuditLog1764190000000 } from './1764190000000-audit-log.js';

/** Migrations in the order they run. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [AuditLog1764190000000];
