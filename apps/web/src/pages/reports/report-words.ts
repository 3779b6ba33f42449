import type { TFunction } from 'i18next';
import { DENIAL_REASONS } from '@campuspass/contracts';

export type ReasonLabel = (code: string) => string;

const WORDED = [...DENIAL_REASONS, 'unknown'] as const;
type WordedReason = (typeof WORDED)[number];

/** A denial reason in words; a code the page has no words for (a newer gate's) is shown as it is. */
export function reasonLabel(t: TFunction, code: string): string {
  return (WORDED as readonly string[]).includes(code) ? t(`reports.reasons.${code as WordedReason}`) : code;
}
