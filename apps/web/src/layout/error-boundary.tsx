import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../forms/fields.js';

interface ErrorBoundaryProps {
  readonly children: ReactNode;
  /** What shows instead of the children after one of them failed to render. */
  readonly fallback: ReactNode;
  /** A change of this value (the page's path) clears the failure, so another page can be opened. */
  readonly resetKey?: string;
}

interface ErrorBoundaryState {
  readonly failed: boolean;
  readonly resetKey: string | undefined;
}

/**
 * A render error below this boundary shows `fallback` in its place instead of unmounting the whole app (React
 * removes every component above an uncaught render error), so the navigation and the rest of the page stay usable.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failed: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(): Partial<ErrorBoundaryState> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: ErrorBoundaryState): Partial<ErrorBoundaryState> | null {
    return props.resetKey === state.resetKey ? null : { failed: false, resetKey: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The browser console is where a support person looks; nothing personal is in a component stack.
    console.error('CampusPass: a part of the page failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** In place of a page (or a part of one) that failed: says so, and offers a reload, which fetches the app anew. */
export function RenderFailure({ part = 'page' }: { readonly part?: 'page' | 'section' }) {
  const { t } = useTranslation();
  return (
    <FormAlert>
      <p>{t(part === 'page' ? 'common.renderFailure.page' : 'common.renderFailure.section')}</p>
      <button type="button" className="button button--quiet" onClick={() => window.location.reload()}>
        {t('common.renderFailure.reload')}
      </button>
    </FormAlert>
  );
}
