// 상품 변경 내역: the caller's plan changes, newest first (GET /api/v1/products/history),
// filtered by period and status, paged. A PENDING change is shown in progress and asked
// for again (GET /api/v1/products/change/{id}) until it settles.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { ChangeResult } from '../api/types';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { HistoryFilter } from '../components/HistoryFilter';
import { HistoryNav } from '../components/HistoryNav';
import { Pager } from '../components/Pager';
import { CardSkeleton } from '../components/Skeleton';
import { formatDate, formatDateTime } from '../format';
import { useHistoryList } from '../history';
import { EmptyState } from './BillHistory';

export const CHANGE_STATUS: Record<string, { text: string; tone: string }> = {
  COMPLETED: { text: '변경 완료', tone: 'success' },
  PENDING: { text: '처리 중', tone: 'warning' },
  REQUESTED: { text: '처리 중', tone: 'warning' },
  FAILED: { text: '변경 실패', tone: 'error' },
  PRECHECK_FAILED: { text: '사전 검증 실패', tone: 'error' },
};
const STATUSES = [
  { value: 'COMPLETED', label: '변경 완료' }, { value: 'PENDING', label: '처리 중' },
  { value: 'FAILED', label: '변경 실패' }, { value: 'PRECHECK_FAILED', label: '사전 검증 실패' },
];
const unsettled = (c: ChangeResult) => c.status === 'PENDING' || c.status === 'REQUESTED';
const POLL_MS = 3000;

/** 상품 변경 내역 */
export function ChangeHistoryPage() {
  const list = useHistoryList<ChangeResult>((q, signal) => api.changeHistory(q, signal));
  // Settled answers for changes the list showed as in progress, by requestId.
  const [settled, setSettled] = useState<Record<string, ChangeResult>>({});
  const items = (list.data?.items ?? []).map((c) => settled[c.requestId] ?? c);
  const waiting = items.filter(unsettled).map((c) => c.requestId).join(',');

  useEffect(() => {
    if (!waiting) return undefined;
    let stopped = false;
    const timer = setTimeout(async () => {
      const answers = await Promise.all(waiting.split(',').map((id) => api.changeStatus(id).catch(() => null)));
      if (stopped) return;
      setSettled((known) => {
        const next = { ...known };
        for (const answer of answers) if (answer) next[answer.requestId] = answer;
        return next;
      });
    }, POLL_MS);
    return () => { stopped = true; clearTimeout(timer); };
  }, [waiting, settled]);

  return (
    <div className="app-shell shell-list">
      <Header title="상품 변경 내역" back="/main" crumbs={[{ label: '홈', to: '/main' }, { label: '이용 내역' }, { label: '상품 변경 내역' }]} />
      <main className="page page-list" id="main">
        <HistoryNav />
        <HistoryFilter value={list.filter} statuses={STATUSES} onApply={list.applyFilter} />
        <section aria-labelledby="change-history-title" aria-busy={list.busy}>
          <h2 id="change-history-title" className="section-title">상품 변경 내역</h2>
          {list.error ? <ErrorPanel error={list.error} onRetry={list.reload} /> : !list.data ? (
            <><p className="sr-only" role="status">내역을 불러오는 중…</p><CardSkeleton lines={2} /><CardSkeleton lines={2} /></>
          ) : items.length === 0 ? (
            <EmptyState filtered={!!(list.filter.from || list.filter.to || list.filter.status)}>
              아직 상품을 변경한 기록이 없습니다. <Link to="/product/menu">상품 변경하기</Link>
            </EmptyState>
          ) : (
            <ul className="history-list" data-testid="change-history">
              {items.map((change) => {
                const status = CHANGE_STATUS[change.status] ?? { text: change.status, tone: 'info' };
                return (
                  <li key={change.requestId} className="history-item" data-testid="history-row" data-status={change.status}
                    data-request-id={change.requestId}>
                    <div className="history-main">
                      <p className="history-title">
                        {change.previousProduct?.productName ?? change.previousProduct?.productCode ?? '-'}
                        <span aria-label="에서"> → </span>
                        {change.newProduct?.productName ?? change.newProduct?.productCode ?? '-'}
                      </p>
                      <p className="muted small"><time dateTime={change.requestedAt}>{formatDateTime(change.requestedAt)}</time> 신청</p>
                      <dl className="history-facts small">
                        {change.kosOrderNumber && <div><dt>처리번호</dt><dd>{change.kosOrderNumber}</dd></div>}
                        {change.effectiveDate && <div><dt>적용일</dt><dd>{formatDate(change.effectiveDate)}</dd></div>}
                        {!['COMPLETED', 'PENDING', 'REQUESTED'].includes(change.status) && change.resultMessage && (
                          <div><dt>사유</dt><dd>{change.resultMessage}</dd></div>
                        )}
                      </dl>
                    </div>
                    <div className="history-side" aria-live="polite">
                      <span className={`badge badge-${status.tone}`} data-testid="change-status">
                        {unsettled(change) && <span className="sr-only">통신사 확인 </span>}{status.text}
                      </span>
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
          {waiting && <p className="muted small" role="status">처리 중인 변경은 결과가 나오면 자동으로 갱신됩니다.</p>}
          {list.data && <Pager page={list.data.page} onPage={list.goToPage} label="상품 변경 내역" />}
        </section>
      </main>
    </div>
  );
}
