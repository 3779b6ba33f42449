import { useId, type ReactNode, type SelectHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client.js';
import { errorText } from '../../forms/error-text.js';
import { serverFieldErrors, type FieldErrors } from './profile-validation.js';

/** What a failed save left to show: messages next to fields, one for the section, and whether it was a conflict. */
export interface SaveProblem {
  readonly fields: FieldErrors;
  readonly message?: string;
  readonly conflict?: boolean;
}

export function useSaveProblem() {
  const { t, i18n } = useTranslation();
  return (error: unknown, fieldNames: readonly string[]): SaveProblem => {
    if (isApiError(error) && error.status === 409) {
      return { fields: {}, message: errorText(t, i18n.resolvedLanguage, error), conflict: true };
    }
    if (isApiError(error) && error.status === 400 && error.code === undefined) {
      const { fields, other } = serverFieldErrors(error.messages, fieldNames);
      return { fields, message: other.length > 0 || Object.keys(fields).length === 0 ? t('errors.invalid') : undefined };
    }
    return { fields: {}, message: errorText(t, i18n.resolvedLanguage, error) };
  };
}

/** The section's error, with "Reload" when someone else changed it meanwhile. */
export function SectionAlert({ problem, onReload }: { readonly problem?: SaveProblem; readonly onReload: () => void }) {
  const { t } = useTranslation();
  if (!problem?.message) return null;
  return (
    <div className="form-alert form-alert--error" role="alert">
      <p>{problem.message}</p>
      {problem.conflict && (
        <p>
          <button type="button" className="button button--small button--quiet" onClick={onReload}>
            {t('profile.reload')}
          </button>
        </p>
      )}
    </div>
  );
}

/** Field errors are i18n keys (our checks) or the portal's own words (its checks). */
export function useFieldError(errors: FieldErrors) {
  const { t } = useTranslation();
  return (name: string): string | undefined => {
    const value = errors[name];
    if (value === undefined) return undefined;
    return /^(profile\.errors|fields)\./.test(value) ? t(value as 'profile.errors.required') : value;
  };
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  readonly label: string;
  readonly error?: string;
  readonly options: ReadonlyArray<{ readonly value: string; readonly label: string }>;
}

export function SelectField({ label, error, options, ...select }: SelectFieldProps) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select {...select} id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function Section({
  id,
  title,
  actions,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}) {
  return (
    <section className="card profile-section" aria-labelledby={`${id}-title`} data-testid={`section-${id}`}>
      <div className="profile-section__head">
        <h2 id={`${id}-title`} className="card__title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
