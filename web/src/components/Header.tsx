import { Link, useNavigate } from 'react-router-dom';
import type { ReactNode } from 'react';

/** A sub-page header: ← back, title, 🏠 home; breadcrumbs below at depth 2 or more. */
export function Header({ title, back, onBack, home = true, crumbs, right }: {
  title: string;
  back?: string | false;
  onBack?: () => void;
  home?: boolean;
  crumbs?: { label: string; to?: string }[];
  right?: ReactNode;
}) {
  const navigate = useNavigate();
  return (
    <header className="subheader">
      <div className="subheader-bar">
        {back !== false ? (
          <button type="button" className="icon-btn" aria-label="뒤로 가기"
            onClick={() => (onBack ? onBack() : back ? navigate(back) : navigate(-1))}>
            <span aria-hidden="true">←</span>
          </button>
        ) : <span className="icon-spacer" />}
        <h1 className="subheader-title">{title}</h1>
        {right ?? (home ? (
          <Link to="/main" className="icon-btn" aria-label="홈으로"><span aria-hidden="true">🏠</span></Link>
        ) : <span className="icon-spacer" />)}
      </div>
      {crumbs && crumbs.length > 1 && (
        <nav aria-label="현재 위치" className="breadcrumbs">
          <ol>
            {crumbs.map((crumb, i) => (
              <li key={crumb.label}>
                {crumb.to && i < crumbs.length - 1
                  ? <Link to={crumb.to}>{crumb.label}</Link>
                  : <span aria-current={i === crumbs.length - 1 ? 'page' : undefined}>{crumb.label}</span>}
              </li>
            ))}
          </ol>
        </nav>
      )}
    </header>
  );
}
