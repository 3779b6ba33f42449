import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { errorText } from './error-text.js';
import { focusFirstInvalid } from './fields.js';

/** Field name → what is wrong with it; a field with no entry is fine. */
export type FieldErrors<Name extends string> = Partial<Record<Name, string | undefined>>;

interface Submission<Name extends string> {
  /** The problems found before sending; any stops the submission and focuses the first invalid field. */
  readonly check?: () => FieldErrors<Name>;
  readonly send: () => Promise<void>;
  /** What a failed send shows; by default its text above the form. */
  readonly fail?: (error: unknown) => void;
}

/**
 * The submit cycle the app's forms share: check the fields, show their errors and focus the first, else send
 * with the submit button disabled, and show what went wrong. `describe` words a failure (errorText by default).
 */
export function useFormSubmit<Name extends string = never>(
  describe: (t: TFunction, language: string | undefined, error: unknown) => string = errorText,
) {
  const { t, i18n } = useTranslation();
  const form = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FieldErrors<Name>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const focusInvalid = () => requestAnimationFrame(() => focusFirstInvalid(form.current));
  const errorTextOf = (error: unknown) => describe(t, i18n.resolvedLanguage, error);
  const showError = (error: unknown) => setFormError(errorTextOf(error));

  const submit = async (event: FormEvent, { check, send, fail = showError }: Submission<Name>): Promise<void> => {
    event.preventDefault();
    setFormError(undefined);
    const found = check?.() ?? {};
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      focusInvalid();
      return;
    }
    setBusy(true);
    try {
      await send();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  return { form, errors, setErrors, formError, setFormError, busy, submit, showError, errorTextOf, focusInvalid };
}
