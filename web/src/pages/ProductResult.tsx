import { useCallback, useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { ChangeResult, ProductRef } from '../api/types';
import { Header } from '../components/Header';
import { Modal } from '../components/Modal';
import { clearFlow, readFlow, writeFlow } from '../flow';
import { formatDate, formatDateTime, formatMonthly } from '../format';

function nameOf(ref: ProductRef | undefined, fallbackName?: string): string {
  return ref?.productName ?? fallbackName ?? ref?.productCode ?? '-';
}

/** SCR-008 처리 결과 (success, pending, or failure with what to do). */
export function ProductResultPage() {
  const navigate = useNavigate();
  const [flow, setFlow] = useState(readFlow());
  const [showContact, setShowContact] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const result = flow.result;
  const pending = result && (result.status === 'PENDING' || result.status === 'REQUESTED');

  useEffect(() => { heading.current?.focus(); }, [result?.status, flow.failure?.code]);

  // A 202 PENDING change is settled by the server's reconciler: ask until it is.
  useEffect(() => {
    if (!pending || !result) return undefined;
    let stopped = false;
    let tries = 0;
    const poll = async () => {
      if (stopped || tries++ > 30) return;
      try {
        const latest = await api.changeStatus(result.requestId);
        if (stopped) return;
        if (latest.status !== 'PENDING' && latest.status !== 'REQUESTED') {
          setFlow(writeFlow({ result: { ...result, ...latest } }));
          return;
        }
      } catch { /* keep asking */ }
      setTimeout(poll, 3000);
    };
    const timer = setTimeout(poll, 2000);
    return () => { stopped = true; clearTimeout(timer); };
  }, [pending, result]);

  const closeContact = useCallback(() => setShowContact(false), []);
  if (!result && !flow.failure) return <Navigate to="/product/menu" replace />;

  const failed = !!flow.failure || (result && ['FAILED', 'PRECHECK_FAILED'].includes(result.status));
  const newName = nameOf(result?.newProduct, flow.selected?.productName);
  const fee = result?.newProduct?.productCode === flow.selected?.productCode || !result?.newProduct
    ? flow.selected?.monthlyFee : undefined;

  function retry() {
    clearFlow();
    navigate('/product/menu');
  }

  return (
    <div className="app-shell">
      <Header title="처리 결과" back={false} />
      <main className="page page-narrow" id="main">
        {failed ? (
          <section className="result" data-testid="change-failure" aria-labelledby="result-title">
            <div className="result-icon result-fail" aria-hidden="true">✕</div>
            <h2 id="result-title" ref={heading} tabIndex={-1} className="result-title">상품 변경에 실패했습니다</h2>
            <p className="muted">불편을 드려 죄송합니다.</p>
            <div className="card">
              <h3 className="card-title">실패 사유</h3>
              <p className="reason" data-testid="failure-reason">{flow.failure?.title ?? result?.resultMessage ?? '상품 변경을 완료하지 못했습니다'}</p>
              <p>{flow.failure?.message ?? result?.resultMessage}</p>
              {flow.failure?.checks?.filter((c) => c.result !== 'PASS').map((c) => <p key={c.type} className="muted">• {c.message ?? c.type}</p>)}
              <p className="muted small">오류 코드: {flow.failure?.code ?? result?.resultCode ?? result?.status}</p>
            </div>
            <div className="card">
              <h3 className="card-title">해결 방법</h3>
              <ol className="numbered">
                {flow.failure?.hint && <li>{flow.failure.hint}</li>}
                <li>약정 내용과 위약금을 확인해주세요.</li>
                <li>약정 종료 후 다시 시도하거나, 다른 상품을 선택해주세요.</li>
                <li>해결되지 않으면 고객센터로 문의해주세요.</li>
              </ol>
            </div>
            <div className="contact-box">고객센터 <strong>1588-0000</strong><br />평일 09:00-18:00 (주말·공휴일 휴무)</div>
            <div className="button-row">
              <button type="button" className="btn btn-danger" onClick={retry}>다시 시도</button>
              <button type="button" className="btn btn-secondary" onClick={() => setShowContact(true)}>고객센터 연결</button>
              <button type="button" className="btn btn-primary" onClick={() => { clearFlow(); navigate('/main'); }}>메인으로</button>
            </div>
          </section>
        ) : (
          <section className="result" data-testid={pending ? 'change-pending' : 'change-success'} aria-labelledby="result-title">
            <div className={`result-icon ${pending ? 'result-pending' : 'result-ok'}`} aria-hidden="true">{pending ? '⏳' : '✓'}</div>
            <h2 id="result-title" ref={heading} tabIndex={-1} className="result-title">
              {pending ? '상품 변경 요청이 접수되었습니다' : '상품 변경이 완료되었습니다'}
            </h2>
            <p className="muted" aria-live="polite">
              {pending ? '통신사 시스템의 처리 결과를 확인하고 있습니다. 잠시 후 이 화면에서 결과가 갱신됩니다.'
                : `새 요금제는 ${result?.effectiveDate ? formatDate(result.effectiveDate) : '다음 달 1일'}부터 적용됩니다.`}
            </p>
            <div className="card">
              <h3 className="card-title">변경 내용</h3>
              <dl className="rows">
                <div className="row"><dt>변경된 상품</dt><dd data-testid="result-product">{newName}</dd></div>
                {fee !== undefined && <div className="row"><dt>월 요금</dt><dd>{formatMonthly(fee)}</dd></div>}
                <div className="row"><dt>적용일</dt><dd data-testid="result-effective">{formatDate(result?.effectiveDate)}</dd></div>
                <div className="row"><dt>처리번호</dt><dd data-testid="result-order">{result?.kosOrderNumber ?? result?.requestId}</dd></div>
                <div className="row"><dt>처리일시</dt><dd>{formatDateTime(result?.processedAt)}</dd></div>
              </dl>
            </div>
            <div className="button-row">
              <button type="button" className="btn btn-secondary" onClick={() => { clearFlow(); navigate('/bill/menu'); }}>요금 조회</button>
              <button type="button" className="btn btn-secondary" data-testid="to-change-history" onClick={() => { clearFlow(); navigate('/history/changes'); }}>변경 내역</button>
              <button type="button" className="btn btn-primary" data-testid="result-main" onClick={() => { clearFlow(); navigate('/main'); }}>메인으로</button>
            </div>
          </section>
        )}
      </main>
      {showContact && (
        <Modal title="고객센터 연결" icon="📞" onClose={closeContact}>
          <p>고객센터 <strong>1588-0000</strong></p>
          <p>평일 09:00-18:00 (주말·공휴일 휴무)</p>
        </Modal>
      )}
    </div>
  );
}

export type { ChangeResult };
