import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.js';
import { EmailField, FormActions, FormAlert, emailProblem } from './fields.js';
import { useFormSubmit } from './use-form-submit.js';

interface EmailCodeRequestFormProps {
  readonly titleId: string;
  readonly title: string;
  readonly hint: string;
  /** Kept by the page, so "use another email" comes back to what was typed. */
  readonly email: string;
  readonly onEmailChange: (email: string) => void;
  /** Asks the portal for a code to the address (trimmed and well-formed). */
  readonly send: (email: string) => Promise<void>;
  /** Buttons beside "Send code". */
  readonly children?: ReactNode;
}

/** "Your email" → a 6-digit code to it: the first step of the email sign-in and of linking a social account. */
export function EmailCodeRequestForm({ titleId, title, hint, email, onEmailChange, send, children }: EmailCodeRequestFormProps) {
  const { t } = useTranslation();
  const { form, errors, setErrors, formError, busy, submit, showError } = useFormSubmit<'email'>();

  const request = (event: FormEvent) => {
    const value = email.trim();
    return submit(event, {
      check: () => ({ email: emailProblem(t, value) }),
      send: () => send(value),
      fail: (error) => {
        // The portal's own format check refused it: say so at the field.
        if (isApiError(error) && error.status === 400 && error.code === undefined) setErrors({ email: t('fields.emailInvalid') });
        else showError(error);
      },
    });
  };

  return (
    <form ref={form} className="form card" onSubmit={(event) => void request(event)} noValidate aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {title}
      </h2>
      <FormAlert>{formError}</FormAlert>
      <EmailField
        label={t('fields.email')}
        hint={hint}
        error={errors.email}
        value={email}
        onChange={(event) => onEmailChange(event.target.value)}
      />
      <FormActions busy={busy} submitLabel={t('signIn.sendCode')}>
        {children}
      </FormActions>
    </form>
  );
}
