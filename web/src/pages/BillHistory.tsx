// 요금 조회 내역: the caller's bill inquiries, newest first (GET /api/v1/bills/history),
// filtered by period and status, paged; a completed one opens the bill it showed.
import { Link } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { BillHistoryItem } from '../api/types';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { HistoryFilter } from '../components/HistoryFilter';
import { HistoryNav } from '../components/HistoryNav';
import { Pager } from '../components/Pager';
import { CardSkeleton } from '../components/Skeleton';
import { formatDateTime, formatMonth, formatWon } from '../format';
import { useHistoryList } from '../history';

export const BILL_SOURCE: Record<string, string> = { KOS: '실시간 조회', CACHE: '저장된 정보', STALE_CACHE: '이전 저장 정보' };
/** The total a completed inquiry showed: the list carries it only in resultSummary ("totalAmount=92820"). */
export function totalOf(item: BillHistoryItem): number | null {
  const match = /(?:^|[\s,;])totalAmount=(-?\d+)/.exec(item.resultSummary ?? '');
  return match ? Number(match[1]) : null;
}

const STATUSES = [{ value: 'COMPLETED', label: '조회 완료' }, { value: 'FAILED', label: '조회 실패' }];

/** 요금 조회 내역 */
export function BillHistoryPage() {
  const list = useHistoryList<BillHistoryItem>((q, signal) => api.billHistory(q, signal));
  return (
    <div className="app-shell shell-list">
      <Header title="요금 조회 내역" back="/main" crumbs={[{ label: '홈', to: '/main' }, { label: '이용 내역' }, { label: '요금 조회 내역' }]} />
      <main className="page page-list" id="main">
        <HistoryNav />
        <HistoryFilter value={list.filter} statuses={STATUSES} onApply={list.applyFilter} />
        <section aria-labelledby="bill-history-title" aria-busy={list.busy}>
          <h2 id="bill-history-title" className="section-title">요금 조회 내역</h2>
          {list.error ? <ErrorPanel error={list.error} onRetry={list.reload} /> : !list.data ? (
            <><p className="sr-only" role="status">내역을 불러오는 중…</p><CardSkeleton lines={2} /><CardSkeleton lines={2} /></>
          ) : list.data.items.length === 0 ? (
            <EmptyState filtered={!!(list.filter.from || list.filter.to || list.filter.status)}>
              아직 요금을 조회한 기록이 없습니다. <Link to="/bill/menu">요금 조회하기</Link>
            </EmptyState>
          ) : (
            <ul className="history-list" data-testid="bill-history">
              {list.data.items.map((item) => (
                <li key={item.requestId} className="history-item" data-testid="history-row" data-status={item.status}>
                  <div className="history-main">
                    <p className="history-title">{formatMonth(item.inquiryMonth)} 요금
                      {totalOf(item) !== null && <> <span className="history-total" data-testid="history-total">{formatWon(totalOf(item))}</span></>}
                    </p>
                    <p className="muted small"><time dateTime={item.requestedAt}>{formatDateTime(item.requestedAt)}</time>
                      {item.source && <> · {BILL_SOURCE[item.source] ?? item.source}</>}</p>
                    {item.status === 'FAILED' && <p className="small history-failure">{item.resultSummary ?? item.resultCode}</p>}
                  </div>
                  <div className="history-side">
                    <span className={`badge badge-${item.status === 'COMPLETED' ? 'success' : 'error'}`}>{item.status === 'COMPLETED' ? '완료' : '실패'}</span>
                    {item.status === 'COMPLETED' && (
                      <Link className="btn btn-outline btn-sm" to={`/history/bills/${encodeURIComponent(item.requestId)}`}
                        aria-label={`${formatMonth(item.inquiryMonth)} 요금 보기 (${formatDateTime(item.requestedAt)} 조회)`}>
                        보기
                      </Link>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {list.data && <Pager page={list.data.page} onPage={list.goToPage} label="요금 조회 내역" />}
        </section>
      </main>
    </div>
  );
}

export function EmptyState({ filtered, children }: { filtered: boolean; children: React.ReactNode }) {
  return (
    <div className="card empty-state" data-testid="history-empty" role="status">
      <p className="empty-icon" aria-hidden="true">🗂️</p>
      <p>{filtered ? '조건에 맞는 내역이 없습니다. 기간이나 상태를 바꿔 보세요.' : children}</p>
    </div>
  );
}
