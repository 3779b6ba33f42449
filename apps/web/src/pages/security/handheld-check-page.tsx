import jsQR from 'jsqr';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCATION_MAX, security, type HandheldVerdict } from '../../api/security.js';
import { isApiError } from '../../api/client.js';
import { errorText } from '../../forms/error-text.js';
import { Field, FormAlert } from '../../forms/fields.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import {
  cameraProblem,
  CODE_MAX,
  codeProblem,
  DECODE_INTERVAL_MS,
  decodeSize,
  readLocation,
  RepeatFilter,
  writeLocation,
  type CameraProblem,
} from './handheld.js';
import { HolderView, useReasonText, useTimeFormat } from './security-parts.js';

/** Security staff on a phone or tablet: scan a pass with the camera (or type it) at a side door and see the verdict. */
export function HandheldCheckPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('security.handheld.pageTitle'));
  return (
    <RequireSession role="security-staff" title={t('security.handheld.title')}>
      <HandheldCheck />
    </RequireSession>
  );
}

type CameraState = { readonly phase: 'off' | 'starting' | 'scanning' } | { readonly phase: 'problem'; readonly problem: CameraProblem };

function deviceStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The rear camera (where there is one) into a <video>; every DECODE_INTERVAL_MS the current frame is drawn, scaled
 * down, onto a canvas and decoded with jsQR. Stops the camera when `on` turns false or the page goes away.
 */
function useQrCamera(on: boolean, onCode: (text: string) => void) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<CameraState>({ phase: 'off' });
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    if (!on) {
      setState({ phase: 'off' });
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      setState({ phase: 'problem', problem: 'unsupported' });
      return;
    }
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: number | undefined;

    const decodeFrame = () => {
      const element = video.current;
      const surface = canvas.current;
      if (!element || !surface || document.hidden || element.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
      const { width, height } = decodeSize(element.videoWidth, element.videoHeight);
      if (width === 0) return;
      if (surface.width !== width) surface.width = width;
      if (surface.height !== height) surface.height = height;
      const context = surface.getContext('2d', { willReadFrequently: true });
      if (!context) return;
      context.drawImage(element, 0, 0, width, height);
      const frame = context.getImageData(0, 0, width, height);
      const code = jsQR(frame.data, width, height, { inversionAttempts: 'dontInvert' });
      if (code?.data) onCodeRef.current(code.data);
    };
    const loop = () => {
      timer = window.setTimeout(() => {
        if (stopped) return;
        try {
          decodeFrame();
        } finally {
          loop();
        }
      }, DECODE_INTERVAL_MS);
    };

    setState({ phase: 'starting' });
    navigator.mediaDevices
      .getUserMedia({ audio: false, video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } } })
      .then(async (media) => {
        if (stopped) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = media;
        const element = video.current;
        if (!element) return;
        element.srcObject = media;
        await element.play().catch(() => undefined);
        if (stopped) return;
        setState({ phase: 'scanning' });
        loop();
      })
      .catch((error: unknown) => {
        if (!stopped) setState({ phase: 'problem', problem: cameraProblem(error) });
      });

    return () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
      if (video.current) video.current.srcObject = null;
    };
  }, [on]);

  return { video, canvas, state };
}

interface Shown {
  readonly verdict: HandheldVerdict;
  readonly checkedAt: string;
}

function HandheldCheck() {
  const { t, i18n } = useTranslation();
  const [location, setLocation] = useState(() => readLocation(deviceStorage()));
  const [cameraOn, setCameraOn] = useState(true);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string>();
  const [shown, setShown] = useState<Shown>();
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);
  const repeats = useRef(new RepeatFilter());
  const latest = useRef(0);
  const locationRef = useRef(location);
  locationRef.current = location;

  /** The portal's refusals of the location, in the page's language. */
  const locationProblem = useCallback(
    (failure: unknown) =>
      isApiError(failure) && failure.code === 'handheld-locations-exhausted'
        ? t('security.handheld.locationProblems.exhausted')
        : isApiError(failure) && failure.code === 'handheld-location-taken'
          ? t('security.handheld.locationProblems.turnstile')
          : undefined,
    [t],
  );

  const check = useCallback(
    async (qr: string) => {
      const request = ++latest.current;
      setChecking(true);
      setError(undefined);
      try {
        const verdict = await security.handheldCheck(qr, locationRef.current.trim() || undefined);
        if (request === latest.current) setShown({ verdict, checkedAt: new Date().toISOString() });
      } catch (failure) {
        if (request === latest.current) {
          setShown(undefined);
          setError(locationProblem(failure) ?? errorText(t, i18n.resolvedLanguage, failure));
        }
      } finally {
        if (request === latest.current) setChecking(false);
      }
    },
    [t, i18n.resolvedLanguage, locationProblem],
  );

  const onCode = useCallback(
    (text: string) => {
      if (repeats.current.accept(text, Date.now())) void check(text);
    },
    [check],
  );
  const camera = useQrCamera(cameraOn, onCode);

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    const problem = codeProblem(code);
    setCodeError(
      problem === 'required'
        ? t('security.handheld.codeRequired')
        : problem === 'too-long'
          ? t('security.handheld.codeTooLong')
          : undefined,
    );
    if (problem) {
      document.getElementById('handheld-code')?.focus();
      return;
    }
    void check(code.trim());
  };

  const problem = camera.state.phase === 'problem' ? camera.state.problem : undefined;

  return (
    <div className="content page sec-handheld">
      <PageHeading className="page__title">{t('security.handheld.title')}</PageHeading>
      <p className="page__intro">{t('security.handheld.intro')}</p>

      <Field
        label={t('security.handheld.location')}
        hint={t('security.handheld.locationHint')}
        value={location}
        maxLength={LOCATION_MAX}
        autoComplete="off"
        onChange={(event) => {
          setLocation(event.target.value);
          writeLocation(deviceStorage(), event.target.value);
        }}
      />

      <Verdict shown={shown} checking={checking} />
      <FormAlert>{error}</FormAlert>

      <section className="sec-panel sec-camera" aria-labelledby="sec-camera-title">
        <div className="sec-panel__head">
          <h2 id="sec-camera-title" className="sec-panel__title">
            {t('security.handheld.cameraTitle')}
          </h2>
          <button
            type="button"
            className="button button--quiet button--small"
            aria-pressed={cameraOn}
            onClick={() => {
              repeats.current.reset();
              setCameraOn((current) => !current);
            }}
          >
            {cameraOn ? t('security.handheld.stop') : t('security.handheld.start')}
          </button>
        </div>
        {problem ? (
          <div className="form-alert form-alert--error" role="alert" data-testid="camera-problem">
            {t(`security.handheld.problems.${problem}`)}
          </div>
        ) : (
          <p role="status" className="sec-camera__status">
            {camera.state.phase === 'starting'
              ? t('security.handheld.starting')
              : camera.state.phase === 'scanning'
                ? t('security.handheld.scanning')
                : t('security.handheld.stopped')}
          </p>
        )}
        <div className="sec-camera__view" hidden={!cameraOn || problem !== undefined}>
          <video ref={camera.video} className="sec-camera__video" muted playsInline aria-label={t('security.handheld.video')} />
          <span className="sec-camera__aim" aria-hidden="true" />
        </div>
        <canvas ref={camera.canvas} hidden />
      </section>

      <section className="sec-panel" aria-labelledby="sec-manual-title">
        <h2 id="sec-manual-title" className="sec-panel__title">
          {t('security.handheld.manualTitle')}
        </h2>
        <form className="form" onSubmit={submitCode} noValidate>
          <div className={`field${codeError ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor="handheld-code">
              {t('security.handheld.code')}
            </label>
            <p className="field__hint" id="handheld-code-hint">
              {t('security.handheld.codeHint')}
            </p>
            <input
              id="handheld-code"
              className="field__input sec-handheld__code"
              value={code}
              maxLength={CODE_MAX + 100}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              aria-invalid={codeError ? true : undefined}
              aria-describedby={codeError ? 'handheld-code-hint handheld-code-error' : 'handheld-code-hint'}
              onChange={(event) => setCode(event.target.value)}
            />
            {codeError && (
              <p className="field__error" id="handheld-code-error">
                {codeError}
              </p>
            )}
          </div>
          <div className="form__actions">
            <button type="submit" className="button button--brand" disabled={checking}>
              {t('security.handheld.check')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}

/** The verdict, big: granted or denied (words and icon, not colour alone), why, and who with their photo. */
function Verdict({ shown, checking }: { readonly shown: Shown | undefined; readonly checking: boolean }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const { time } = useTimeFormat();
  return (
    <section className="sec-verdict-area" aria-label={t('security.handheld.verdictTitle')} aria-live="polite" aria-busy={checking}>
      {checking && !shown && <p className="sec-verdict__checking">{t('security.handheld.checking')}</p>}
      {shown && (
        <div
          className={`sec-verdict sec-verdict--${shown.verdict.decision}`}
          data-testid="verdict"
          data-decision={shown.verdict.decision}
          data-event-id={shown.verdict.eventId}
        >
          <p className="sec-verdict__decision">
            <span className="sec-verdict__icon" aria-hidden="true">
              {shown.verdict.decision === 'granted' ? '✓' : '✕'}
            </span>{' '}
            {t(shown.verdict.decision === 'granted' ? 'security.handheld.granted' : 'security.handheld.denied')}
          </p>
          {shown.verdict.reason && <p className="sec-verdict__reason">{reasonText(shown.verdict.reason)}</p>}
          {shown.verdict.holder && (
            <div className="sec-verdict__holder">
              <HolderView holder={shown.verdict.holder} size="large" />
              <p className="sec-verdict__kind">
                {t(shown.verdict.holder.kind === 'guest' ? 'security.handheld.guest' : 'security.handheld.alumni')}
                {shown.verdict.campusDay && <> · {t('security.handheld.campusDay', { day: shown.verdict.campusDay })}</>}
              </p>
              {shown.verdict.decision === 'granted' && !shown.verdict.holder.photoUrl && (
                <p className="sec-verdict__nophoto">{t('security.handheld.noPhoto')}</p>
              )}
            </div>
          )}
          <p className="sec-verdict__recorded">
            {checking ? t('security.handheld.checking') : t('security.handheld.recorded', { time: time(shown.checkedAt) })}
          </p>
        </div>
      )}
    </section>
  );
}
