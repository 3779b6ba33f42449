export type { SecuritySettings } from '../config/app-config.js';

/** Injection token of the security thresholds (AppConfig.security, SECURITY_* variables). */
export const SECURITY_SETTINGS = Symbol('SECURITY_SETTINGS');
