import type { ReactNode } from 'react';

export type AlertKind = 'error' | 'warning' | 'success' | 'info';

/** An alert box; errors are announced at once (role=alert), others politely. */
export function Alert({ kind, title, children, id, testId }: {
  kind: AlertKind; title?: string; children?: ReactNode; id?: string; testId?: string;
}) {
  const icon = { error: '⚠️', warning: '⚠️', success: '✅', info: 'ℹ️' }[kind];
  return (
    <div id={id} className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}>
      <span className="alert-icon" aria-hidden="true">{icon}</span>
      <div>
        {title && <strong className="alert-title">{title}</strong>}
        {children && <div className="alert-body">{children}</div>}
      </div>
    </div>
  );
}
