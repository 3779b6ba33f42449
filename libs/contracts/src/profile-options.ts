/** Fixed lists and limits of the alumni profile, shared by the portal's validation and the web app's forms. */

export const INDUSTRIES = [
  'accounting-finance',
  'architecture-construction',
  'arts-design-media',
  'education-research',
  'engineering',
  'government-public-service',
  'healthcare',
  'hospitality-tourism',
  'information-technology',
  'legal',
  'logistics-transport',
  'manufacturing',
  'marketing-advertising',
  'property-real-estate',
  'retail-trade',
  'social-services-ngo',
  'textiles-fashion',
  'other',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const PREFERRED_LANGUAGES = ['en', 'zh-Hant'] as const;
export type PreferredLanguage = (typeof PREFERRED_LANGUAGES)[number];

export const PHONE_TYPES = ['mobile', 'home', 'office'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

/** How many entries of each collection one alumnus may keep. */
export const PROFILE_LIMITS = {
  additionalEmails: 5,
  phones: 5,
  addressLines: 4,
  career: 50,
  education: 30,
  achievements: 50,
} as const;

export const EARLIEST_YEAR = 1900;
