import type { ErrorInfo, ReactNode } from 'react';
import { Component } from 'react';
import i18n from '../i18n';

interface State {
  readonly error: Error | null;
}

/** A screen that fails to draw shows what happened and a way back, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('kassa: a screen failed to draw', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <main className="login" id="main">
        <div role="alert" className="alert">
          <span>
            {i18n.t('errors.KASSA_INTERNAL')} ({this.state.error.message})
          </span>
          <button type="button" onClick={() => window.location.reload()}>
            {i18n.t('app.tryAgain')}
          </button>
        </div>
      </main>
    );
  }
}
