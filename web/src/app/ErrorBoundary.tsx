import { Component, type ReactNode } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';

/** A page that fails to render shows what happened instead of a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="page-error">
          <h1>This page could not be shown</h1>
          <ErrorNotice error={this.state.error} />
          <p>
            <a href="/">Back to the start page</a>
          </p>
        </div>
      );
    }
    return this.props.children;
  }
}
