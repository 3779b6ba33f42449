import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { safeNext } from '../api/api.js';
import { Field, FormAlert, focusFirstInvalid } from '../forms/fields.js';
import { Link, navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { netid, netIdErrorText } from './netid-forms.js';

/** "Sign in with your Alumni NetID" (FAQ 4), beside the email sign-in. */
export function NetIdSignInSection() {
  const { t, i18n } = useTranslation();
  const { signedIn } = useSession();
  const [netId, setNetId] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ netId?: string; password?: string }>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found: typeof errors = {};
    if (!netId.trim()) found.netId = t('netid.netIdRequired');
    if (!password) found.password = t('netid.passwordRequired');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      const session = await netid.signIn(netId.trim(), password);
      await signedIn(session);
      navigate(safeNext(new URLSearchParams(window.location.search).get('next'), '/profile'), { replace: true });
    } catch (error) {
      setFormError(netIdErrorText(t, i18n.resolvedLanguage, error));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      className="form card netid-sign-in"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="netid-sign-in-title"
    >
      <h2 id="netid-sign-in-title" className="card__title">
        {t('netid.signInTitle')}
      </h2>
      <p>{t('netid.signInIntro')}</p>
      <FormAlert>{formError}</FormAlert>
      <Field
        label={t('netid.netId')}
        error={errors.netId}
        name="netId"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={netId}
        onChange={(event) => setNetId(event.target.value)}
      />
      <Field
        label={t('netid.password')}
        error={errors.password}
        type="password"
        name="netPassword"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div className="form__actions">
        <button type="submit" className="button button--brand" disabled={busy}>
          {t('netid.signInSubmit')}
        </button>
      </div>
      <p className="netid-links">
        <Link to="/netid/register">{t('netid.registerLink')}</Link> · <Link to="/netid/forgot-netid">{t('netid.forgotNetIdLink')}</Link> ·{' '}
        <Link to="/netid/forgot-password">{t('netid.forgotPasswordLink')}</Link>
      </p>
    </form>
  );
}
