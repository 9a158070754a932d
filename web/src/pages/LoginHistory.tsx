// 로그인 기록: the caller's recent login attempts (GET /api/v1/auth/login-history), paged.
// The API filters by nothing, so this list has no filter form.
import { api } from '../api/endpoints';
import type { LoginAttempt } from '../api/types';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { HistoryNav } from '../components/HistoryNav';
import { Pager } from '../components/Pager';
import { CardSkeleton } from '../components/Skeleton';
import { formatDateTime } from '../format';
import { useHistoryList } from '../history';
import { EmptyState } from './BillHistory';

export const LOGIN_REASON: Record<string, string> = {
  SUCCESS: '로그인 성공',
  INVALID_CREDENTIALS: '아이디 또는 비밀번호 오류',
  ACCOUNT_LOCKED: '계정 잠금 (연속 실패)',
  LOCKED: '잠긴 계정으로 시도',
};

/** A user agent in words: "Chrome · Android", or the first 40 characters. */
export function describeAgent(agent: string): string {
  if (!agent) return '알 수 없는 기기';
  const browser = /Edg\//.test(agent) ? 'Edge' : /Chrome\//.test(agent) ? 'Chrome' : /Firefox\//.test(agent) ? 'Firefox'
    : /Safari\//.test(agent) ? 'Safari' : /curl|node|python|wrk/i.test(agent) ? '프로그램' : '';
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows'
    : /Mac OS X/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : '';
  const words = [browser, system].filter(Boolean).join(' · ');
  return words || agent.slice(0, 40);
}

export function LoginAttemptList({ items, showUser = false }: { items: LoginAttempt[]; showUser?: boolean }) {
  return (
    <ul className="history-list" data-testid="login-history">
      {items.map((attempt, index) => (
        <li key={`${attempt.attemptedAt}-${index}`} className="history-item" data-testid="history-row" data-result={attempt.result}>
          <div className="history-main">
            <p className="history-title"><time dateTime={attempt.attemptedAt}>{formatDateTime(attempt.attemptedAt)}</time></p>
            <p className="muted small" title={attempt.userAgent}>
              {showUser && <>{attempt.userId} · </>}{describeAgent(attempt.userAgent)} · {attempt.clientIp}
            </p>
          </div>
          <div className="history-side">
            <span className={`badge badge-${attempt.result === 'SUCCESS' ? 'success' : 'error'}`}>
              {LOGIN_REASON[attempt.reason] ?? (attempt.result === 'SUCCESS' ? '성공' : '실패')}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** 로그인 기록 */
export function LoginHistoryPage() {
  const list = useHistoryList<LoginAttempt>((q, signal) => api.loginHistory(q, signal));
  return (
    <div className="app-shell shell-list">
      <Header title="로그인 기록" back="/main" crumbs={[{ label: '홈', to: '/main' }, { label: '이용 내역' }, { label: '로그인 기록' }]} />
      <main className="page page-list" id="main">
        <HistoryNav />
        <section aria-labelledby="login-history-title" aria-busy={list.busy}>
          <h2 id="login-history-title" className="section-title">최근 로그인 기록</h2>
          <p className="muted small">본인이 로그인하지 않은 기록이 있다면 비밀번호를 바꾸고 고객센터(1588-0000)로 알려주세요.</p>
          {list.error ? <ErrorPanel error={list.error} onRetry={list.reload} /> : !list.data ? (
            <><p className="sr-only" role="status">기록을 불러오는 중…</p><CardSkeleton lines={2} /></>
          ) : list.data.items.length === 0 ? (
            <EmptyState filtered={false}>로그인 기록이 없습니다.</EmptyState>
          ) : <LoginAttemptList items={list.data.items} />}
          {list.data && <Pager page={list.data.page} onPage={list.goToPage} label="로그인 기록" />}
        </section>
      </main>
    </div>
  );
}
