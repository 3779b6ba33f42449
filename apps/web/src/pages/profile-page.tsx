import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { profile as profileApi } from '../api/api.js';
import {
  INDUSTRIES,
  PROFILE_LIMITS,
  type Achievement,
  type CareerEntry,
  type EducationEntry,
  type Industry,
  type Profile,
} from '../api/profile.js';
import { errorText } from '../forms/error-text.js';
import { Field, FormAlert, TextAreaField } from '../forms/fields.js';
import { LoadFailed } from '../forms/load-failed.js';
import { PageHeading } from '../layout/app-shell.js';
import { RequireSession } from '../layout/require-session.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { useSession } from '../session/session-context.js';
import { CollectionSection, type CollectionSpec } from './profile/collection-section.js';
import { ContactSection } from './profile/contact-section.js';
import { SignInEmailSection } from './profile/sign-in-email-section.js';
import { LinkedAccountsSection } from './profile/linked-accounts-section.js';
import {
  validateAchievement,
  validateCareer,
  validateEducation,
  type AchievementDraft,
  type CareerDraft,
  type EducationDraft,
} from './profile/profile-validation.js';
import { Section, SelectField } from './profile/section-parts.js';

type LoadState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly profile: Profile }
  | { readonly kind: 'error'; readonly message: string };

/** My Profile: the registry record (read-only) and the contact, career, education and achievements the alumnus keeps. */
export function ProfilePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('profile.pageTitle'));
  return (
    <RequireSession role="alumnus" title={t('profile.title')}>
      <MyProfile />
    </RequireSession>
  );
}

function MyProfile() {
  const { t, i18n } = useTranslation();
  const { setDisplayName } = useSession();
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  const registered = new URLSearchParams(window.location.search).get('registered') === '1';

  const load = useCallback(async () => {
    try {
      const profile = await profileApi.get();
      setState({ kind: 'ready', profile });
      setGeneration((value) => value + 1);
      setDisplayName(`${profile.name.givenName} ${profile.name.surname}`);
    } catch (error) {
      setState({ kind: 'error', message: errorText(t, i18n.resolvedLanguage, error) });
    }
  }, [t, i18n.resolvedLanguage, setDisplayName]);

  // Load once; the language changing does not need a new copy of the profile.
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    void load();
  }, [load]);

  const specs = useProfileSpecs();

  // A link to a section (/profile#contact, e.g. from the eCard page) scrolls there once the profile is shown.
  const ready = state.kind === 'ready';
  useEffect(() => {
    if (!ready || !window.location.hash) return;
    const section = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    section?.scrollIntoView();
  }, [ready]);

  if (state.kind === 'loading') {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('profile.title')}</PageHeading>
        <p role="status">{t('common.loading')}</p>
      </div>
    );
  }
  if (state.kind === 'error') {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('profile.title')}</PageHeading>
        <LoadFailed message={state.message} onRetry={() => void load()} />
      </div>
    );
  }

  const { profile } = state;
  const set = (change: Partial<Profile>) => setState({ kind: 'ready', profile: { ...profile, ...change } });
  const reload = () => void load();

  return (
    <div className="content page profile" key={generation}>
      <div>
        <PageHeading className="page__title">{t('profile.title')}</PageHeading>
        <p className="page__intro">{t('profile.greeting', { name: `${profile.name.givenName} ${profile.name.surname}` })}</p>
      </div>
      {registered && <FormAlert tone="success">{t('profile.registered', { email: profile.signInEmail })}</FormAlert>}
      <p className="page__note">{t('profile.intro')}</p>

      <SignInEmailSection email={profile.signInEmail} onChanged={(signInEmail) => set({ signInEmail })} />
      <LinkedAccountsSection />
      <ContactSection contact={profile.contact} onSaved={(contact) => set({ contact })} onReload={reload} />
      <CollectionSection spec={specs.career} entries={profile.career} onChange={(career) => set({ career })} onReload={reload} />
      <CollectionSection
        spec={specs.education}
        entries={profile.education}
        onChange={(education) => set({ education })}
        onReload={reload}
      />
      <CollectionSection
        spec={specs.achievements}
        entries={profile.achievements}
        onChange={(achievements) => set({ achievements })}
        onReload={reload}
      />
      <Section id="awards" title={t('profile.awards.title')}>
        <p className="field__hint">{t('profile.awards.readOnly')}</p>
        {profile.awards.length === 0 ? (
          <p className="muted">{t('profile.none')}</p>
        ) : (
          <ul className="entry-list">
            {profile.awards.map((award, index) => (
              <li key={index} className="entry">
                <div className="entry__body">
                  <p className="entry__title">{award.award}</p>
                  <p>{award.programme}</p>
                  <p className="muted">
                    {award.institution} · {award.graduationYear}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function useProfileSpecs() {
  const { t } = useTranslation();
  return useMemo(() => {
    const optional = t('fields.optional');
    const period = (from: string, to: string | null, current: boolean) =>
      current ? t('profile.career.since', { from }) : `${from} – ${to ?? ''}`;

    const career: CollectionSpec<'career', CareerDraft> = {
      collection: 'career',
      title: t('profile.career.title'),
      addLabel: t('profile.career.add'),
      emptyText: t('profile.career.empty'),
      limit: PROFILE_LIMITS.career,
      fieldNames: ['employer', 'title', 'industry', 'from', 'to', 'current'],
      nameOf: (entry: CareerEntry) => `${entry.title}, ${entry.employer}`,
      renderEntry: (entry: CareerEntry) => (
        <>
          <p className="entry__title">{entry.title}</p>
          <p>{entry.employer}</p>
          <p className="muted">
            {t(`profile.industries.${entry.industry}`)} · {period(entry.from, entry.to, entry.current)}
          </p>
        </>
      ),
      toDraft: (entry?: CareerEntry) => ({
        employer: entry?.employer ?? '',
        title: entry?.title ?? '',
        industry: entry?.industry ?? '',
        from: entry?.from ?? '',
        to: entry?.to ?? '',
        current: entry?.current ?? false,
      }),
      validate: (draft) => validateCareer(draft),
      toInput: (draft) => ({
        employer: draft.employer.trim(),
        title: draft.title.trim(),
        industry: draft.industry as Industry,
        from: draft.from,
        to: draft.current ? null : draft.to,
        current: draft.current,
      }),
      renderForm: (draft, change, error) => (
        <>
          <Field
            label={t('profile.career.employer')}
            error={error('employer')}
            value={draft.employer}
            onChange={(e) => change({ employer: e.target.value })}
          />
          <Field
            label={t('profile.career.jobTitle')}
            error={error('title')}
            value={draft.title}
            onChange={(e) => change({ title: e.target.value })}
          />
          <SelectField
            label={t('profile.career.industry')}
            error={error('industry')}
            value={draft.industry}
            options={[
              { value: '', label: t('profile.career.chooseIndustry') },
              ...INDUSTRIES.map((code) => ({ value: code, label: t(`profile.industries.${code}`) })),
            ]}
            onChange={(e) => change({ industry: e.target.value })}
          />
          <label className="checkbox">
            <input type="checkbox" checked={draft.current} onChange={(e) => change({ current: e.target.checked })} />
            <span>{t('profile.career.current')}</span>
          </label>
          <div className="form__row">
            <Field
              label={t('profile.career.from')}
              hint={t('profile.monthHint')}
              error={error('from')}
              inputMode="numeric"
              placeholder="2015-09"
              value={draft.from}
              onChange={(e) => change({ from: e.target.value.trim() })}
            />
            {!draft.current && (
              <Field
                label={t('profile.career.to')}
                hint={t('profile.monthHint')}
                error={error('to')}
                inputMode="numeric"
                placeholder="2019-06"
                value={draft.to}
                onChange={(e) => change({ to: e.target.value.trim() })}
              />
            )}
          </div>
        </>
      ),
    };

    const education: CollectionSpec<'education', EducationDraft> = {
      collection: 'education',
      title: t('profile.education.title'),
      addLabel: t('profile.education.add'),
      emptyText: t('profile.education.empty'),
      limit: PROFILE_LIMITS.education,
      fieldNames: ['institution', 'qualification', 'fromYear', 'toYear'],
      nameOf: (entry: EducationEntry) => `${entry.qualification}, ${entry.institution}`,
      renderEntry: (entry: EducationEntry) => (
        <>
          <p className="entry__title">{entry.qualification}</p>
          <p>{entry.institution}</p>
          <p className="muted">
            {entry.toYear === null ? t('profile.education.since', { from: entry.fromYear }) : `${entry.fromYear} – ${entry.toYear}`}
          </p>
        </>
      ),
      toDraft: (entry?: EducationEntry) => ({
        institution: entry?.institution ?? '',
        qualification: entry?.qualification ?? '',
        fromYear: entry ? String(entry.fromYear) : '',
        toYear: entry?.toYear != null ? String(entry.toYear) : '',
      }),
      validate: (draft) => validateEducation(draft),
      toInput: (draft) => ({
        institution: draft.institution.trim(),
        qualification: draft.qualification.trim(),
        fromYear: Number(draft.fromYear),
        toYear: draft.toYear.trim() ? Number(draft.toYear) : null,
      }),
      renderForm: (draft, change, error) => (
        <>
          <Field
            label={t('profile.education.institution')}
            error={error('institution')}
            value={draft.institution}
            onChange={(e) => change({ institution: e.target.value })}
          />
          <Field
            label={t('profile.education.qualification')}
            hint={t('profile.education.qualificationHint')}
            error={error('qualification')}
            value={draft.qualification}
            onChange={(e) => change({ qualification: e.target.value })}
          />
          <div className="form__row">
            <Field
              label={t('profile.education.fromYear')}
              error={error('fromYear')}
              inputMode="numeric"
              maxLength={4}
              value={draft.fromYear}
              onChange={(e) => change({ fromYear: e.target.value.trim() })}
            />
            <Field
              label={t('profile.education.toYear')}
              optional={optional}
              hint={t('profile.education.toYearHint')}
              error={error('toYear')}
              inputMode="numeric"
              maxLength={4}
              value={draft.toYear}
              onChange={(e) => change({ toYear: e.target.value.trim() })}
            />
          </div>
        </>
      ),
    };

    const achievements: CollectionSpec<'achievements', AchievementDraft> = {
      collection: 'achievements',
      title: t('profile.achievements.title'),
      addLabel: t('profile.achievements.add'),
      emptyText: t('profile.achievements.empty'),
      limit: PROFILE_LIMITS.achievements,
      fieldNames: ['title', 'year', 'description'],
      nameOf: (entry: Achievement) => entry.title,
      renderEntry: (entry: Achievement) => (
        <>
          <p className="entry__title">{entry.title}</p>
          <p className="muted">{entry.year}</p>
          {entry.description && <p className="entry__description">{entry.description}</p>}
        </>
      ),
      toDraft: (entry?: Achievement) => ({
        title: entry?.title ?? '',
        year: entry ? String(entry.year) : '',
        description: entry?.description ?? '',
      }),
      validate: (draft) => validateAchievement(draft),
      toInput: (draft) => ({ title: draft.title.trim(), year: Number(draft.year), description: draft.description.trim() || null }),
      renderForm: (draft, change, error) => (
        <>
          <Field
            label={t('profile.achievements.name')}
            error={error('title')}
            value={draft.title}
            onChange={(e) => change({ title: e.target.value })}
          />
          <Field
            label={t('profile.achievements.year')}
            error={error('year')}
            inputMode="numeric"
            maxLength={4}
            value={draft.year}
            onChange={(e) => change({ year: e.target.value.trim() })}
          />
          <TextAreaField
            label={t('profile.achievements.description')}
            optional={optional}
            error={error('description')}
            rows={4}
            maxLength={2000}
            value={draft.description}
            onChange={(e) => change({ description: e.target.value })}
          />
        </>
      ),
    };
    return { career, education, achievements };
  }, [t]);
}
