import { useEffect, useId, useState, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';
import type { TFunction } from 'i18next';

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  readonly label: string;
  readonly hint?: ReactNode;
  readonly error?: string;
  readonly optional?: string;
}

/** A labelled input with its hint and its error right below it, tied together for screen readers. */
export function Field({ label, hint, error, optional, className, ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> {optional}</span>}
      </label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      <input {...input} id={id} className="field__input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  readonly label: string;
  readonly error?: string;
  readonly optional?: string;
}

/** A labelled textarea with its error right below it, tied together for screen readers. */
export function TextAreaField({ label, error, optional, ...area }: TextAreaFieldProps) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> {optional}</span>}
      </label>
      <textarea {...area} id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** An email address field; `name` and `autoComplete` default to "email". */
export function EmailField(props: Omit<FieldProps, 'type' | 'inputMode'>) {
  return <Field type="email" name="email" autoComplete="email" inputMode="email" {...props} />;
}

/** The form's submit button (disabled while it is sending), then any other buttons of the form. */
export function FormActions({
  busy,
  submitLabel,
  children,
}: {
  readonly busy: boolean;
  readonly submitLabel: string;
  readonly children?: ReactNode;
}) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--brand" disabled={busy}>
        {submitLabel}
      </button>
      {children}
    </div>
  );
}

/** A message about the whole form; announced when it appears. */
export function FormAlert({ children, tone = 'error' }: { readonly children: ReactNode; readonly tone?: 'error' | 'info' | 'success' }) {
  if (!children) return null;
  return (
    <div className={`form-alert form-alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Seconds left until `until` (ms since epoch), ticking once a second; 0 when it has passed. */
export function useCountdown(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined || until <= Date.now()) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === undefined ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;
export const CODE_PATTERN = /^\d{6}$/;

/** What is wrong with a typed email address (already trimmed), or undefined when it looks right. */
export function emailProblem(t: TFunction, value: string): string | undefined {
  if (EMAIL_PATTERN.test(value)) return undefined;
  return value ? t('fields.emailInvalid') : t('fields.emailRequired');
}

/** Focuses the first invalid field of a form after a failed submit, so keyboard users land on the problem. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
