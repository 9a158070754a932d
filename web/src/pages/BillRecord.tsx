// A stored bill inquiry opened from the history (GET /api/v1/bills/inquiry/{requestId}):
// the bill exactly as it was shown then, with when and from where it came.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { BillHistoryItem } from '../api/types';
import { BillView, type OpenSections } from '../components/BillView';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { CardSkeleton } from '../components/Skeleton';
import { formatDateTime, formatMonth } from '../format';
import { BILL_SOURCE } from './BillHistory';

export function BillRecordPage() {
  const { requestId = '' } = useParams();
  const [record, setRecord] = useState<BillHistoryItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<OpenSections>({ details: true, usage: false, extra: false });
  const load = useCallback(() => {
    setError(null);
    setRecord(null);
    api.billRecord(requestId).then(setRecord).catch(setError);
  }, [requestId]);
  useEffect(() => { load(); }, [load]);
  const month = formatMonth(record?.inquiryMonth ?? record?.billInfo?.billingMonth);
  return (
    <div className="app-shell">
      <Header title="조회한 요금" back="/history/bills"
        crumbs={[{ label: '홈', to: '/main' }, { label: '요금 조회 내역', to: '/history/bills' }, { label: record ? month : '조회한 요금' }]} />
      <main className="page page-wide" id="main">
        {error ? <ErrorPanel error={error} onRetry={load} /> : !record ? (
          <div aria-busy="true"><p className="sr-only" role="status">불러오는 중…</p><CardSkeleton lines={4} /></div>
        ) : (
          <>
            <p className="record-meta" data-testid="record-meta">
              <time dateTime={record.requestedAt}>{formatDateTime(record.requestedAt)}</time>에 조회한 {month} 요금
              {record.source && <> · {BILL_SOURCE[record.source] ?? record.source}</>}
            </p>
            {record.billInfo ? (
              <BillView bill={record.billInfo} source={record.source} open={open}
                onToggle={(key) => setOpen((o) => ({ ...o, [key]: !o[key] }))} />
            ) : (
              <section className="card" role="status">
                <h2 className="card-title">저장된 요금이 없습니다</h2>
                <p>{record.resultSummary ?? '이 조회는 요금을 보여주지 못했습니다.'}</p>
              </section>
            )}
          </>
        )}
        <div className="button-row">
          <Link className="btn btn-secondary" to="/history/bills">목록으로</Link>
          <Link className="btn btn-primary" to="/main">메인으로</Link>
        </div>
      </main>
    </div>
  );
}
