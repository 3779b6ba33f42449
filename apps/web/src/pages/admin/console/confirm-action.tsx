import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A button that asks first: the first press shows what will happen and a confirm and a cancel button (keyboard
 * focus moves to the question), the second does it.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  busy,
  danger = false,
  onConfirm,
}: {
  readonly label: string;
  readonly question: ReactNode;
  readonly confirmLabel: string;
  readonly busy: boolean;
  readonly danger?: boolean;
  readonly onConfirm: () => void | Promise<void>;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asking) questionRef.current?.focus();
  }, [asking]);
  const style = danger ? 'button--danger' : 'button--brand';
  if (!asking) {
    return (
      <button
        type="button"
        className={`button button--small ${danger ? 'button--danger' : 'button--quiet'}`}
        disabled={busy}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <div className="admin-confirm" role="group" aria-label={label}>
      <p className="admin-confirm__question" tabIndex={-1} ref={questionRef}>
        {question}
      </p>
      <div className="form__actions">
        <button
          type="button"
          className={`button button--small ${style}`}
          disabled={busy}
          onClick={async () => {
            await onConfirm();
            setAsking(false);
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => setAsking(false)}>
          {t('admin.cancel')}
        </button>
      </div>
    </div>
  );
}
