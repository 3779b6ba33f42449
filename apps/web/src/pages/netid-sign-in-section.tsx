import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { safeNext } from '../api/api.js';
import { Field, FormActions, FormAlert } from '../forms/fields.js';
import { useFormSubmit } from '../forms/use-form-submit.js';
import { Link, navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { netid, netIdErrorText } from './netid-forms.js';

/** "Sign in with your Alumni NetID" (FAQ 4), beside the email sign-in. */
export function NetIdSignInSection() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [netId, setNetId] = useState('');
  const [password, setPassword] = useState('');
  const { form, errors, formError, busy, submit, showError } = useFormSubmit<'netId' | 'password'>(netIdErrorText);

  const signIn = (event: FormEvent) =>
    submit(event, {
      check: () => ({
        netId: netId.trim() ? undefined : t('netid.netIdRequired'),
        password: password ? undefined : t('netid.passwordRequired'),
      }),
      send: async () => {
        const session = await netid.signIn(netId.trim(), password);
        await signedIn(session);
        navigate(safeNext(new URLSearchParams(window.location.search).get('next'), '/profile'), { replace: true });
      },
      fail: (error) => {
        showError(error);
        setPassword('');
      },
    });

  return (
    <form
      ref={form}
      className="form card netid-sign-in"
      onSubmit={(event) => void signIn(event)}
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
      <FormActions busy={busy} submitLabel={t('netid.signInSubmit')} />
      <p className="netid-links">
        <Link to="/netid/register">{t('netid.registerLink')}</Link> · <Link to="/netid/forgot-netid">{t('netid.forgotNetIdLink')}</Link> ·{' '}
        <Link to="/netid/forgot-password">{t('netid.forgotPasswordLink')}</Link>
      </p>
    </form>
  );
}
