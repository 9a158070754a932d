import { useEffect, useState } from 'react';
import { describeError } from '../errors';

/** A clear error state: what happened, what to do, and a retry button when it helps. */
export function ErrorPanel({ error, onRetry, children, testId = 'error-panel' }: {
  error: unknown; onRetry?: () => void; children?: React.ReactNode; testId?: string;
}) {
  const view = describeError(error);
  const [wait, setWait] = useState(view.retryAfter ?? 0);
  useEffect(() => {
    setWait(view.retryAfter ?? 0);
  }, [error, view.retryAfter]);
  useEffect(() => {
    if (wait <= 0) return undefined;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);
  return (
    <section className="card error-panel" role="alert" aria-labelledby="error-panel-title"
      data-testid={testId} data-code={view.code}>
      <div className="error-icon" aria-hidden="true">{view.code.startsWith('KOS') || view.code === 'SERVICE_UNAVAILABLE' ? '📡' : '⚠️'}</div>
      <h2 id="error-panel-title" className="error-title">{view.title}</h2>
      <p className="error-message">{view.message}</p>
      {view.hint && <p className="error-hint">{view.hint}</p>}
      <p className="error-code">오류 코드: {view.code}</p>
      <div className="button-row">
        {onRetry && view.retryable && (
          <button type="button" className="btn btn-primary" onClick={onRetry} disabled={wait > 0}>
            {wait > 0 ? `${wait}초 후 다시 시도` : '다시 시도'}
          </button>
        )}
        {children}
      </div>
    </section>
  );
}
