import { useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { ValidationCheck } from '../api/types';
import { Alert } from '../components/Alert';
import { Header } from '../components/Header';
import { Spinner } from '../components/Spinner';
import { describeError, type ErrorView } from '../errors';
import { newIdempotencyKey, readFlow, writeFlow } from '../flow';
import { formatMonthly } from '../format';

const STEP_LABELS: Record<string, string> = {
  PRODUCT_ON_SALE: '판매 중인 상품인지 확인',
  OPERATOR_MATCH: '같은 통신사 상품인지 확인',
  LINE_ACTIVE: '회선 상태 확인',
  NOT_CURRENT_PRODUCT: '현재 상품과 다른지 확인',
  CURRENT_PRODUCT_MATCH: '현재 상품 정보가 최신인지 확인',
};
const DEFAULT_STEPS = Object.keys(STEP_LABELS).slice(0, 4);

type Phase = 'idle' | 'checking' | 'passed' | 'failed' | 'submitting';

/** SCR-007 상품 변경 요청: before → after, the real pre-check, then the change. */
export function ProductRequestPage() {
  const navigate = useNavigate();
  const flow = readFlow();
  const [phase, setPhase] = useState<Phase>('idle');
  const [checks, setChecks] = useState<ValidationCheck[] | null>(null);
  const [problem, setProblem] = useState<ErrorView | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [status, setStatus] = useState('사전 검증 대기 중');
  const primary = useRef<HTMLButtonElement>(null);

  // Keyboard users stay on the primary action when it changes (start → submit / retry).
  useEffect(() => {
    if (phase === 'passed' || phase === 'failed' || phase === 'idle') {
      if (document.activeElement === document.body || document.activeElement?.closest('.action-bar')) primary.current?.focus();
    }
  }, [phase]);
  useEffect(() => {
    if (!success) return undefined;
    const timer = setTimeout(() => setSuccess(null), 3000);
    return () => clearTimeout(timer);
  }, [success]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && phase !== 'submitting') navigate('/product/change');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate, phase]);

  if (!flow.selected || !flow.current) return <Navigate to="/product/change" replace />;
  const { current, selected } = flow;

  async function validate() {
    setPhase('checking');
    setProblem(null);
    setChecks(null);
    setStatus('사전 검증 진행 중…');
    try {
      const answer = await api.validateChange(selected!.productCode);
      setChecks(answer.checks);
      if (answer.result === 'PASS') {
        setPhase('passed');
        setStatus('모든 검증이 완료되었습니다');
        setSuccess('사전 검증을 통과했습니다. 변경 신청을 진행할 수 있습니다.');
      } else {
        setPhase('failed');
        const failed = answer.checks.filter((c) => c.result !== 'PASS');
        setStatus(`검증 실패: ${failed.map((c) => STEP_LABELS[c.type] ?? c.type).join(', ')}`);
        setProblem({ code: 'PRECHECK_FAILED', title: '사전 검증에 실패했습니다',
          message: failed.map((c) => c.message).filter(Boolean).join(' ') || '변경할 수 없는 상품입니다.',
          hint: '다른 상품을 선택하거나 고객센터(1588-0000)로 문의해주세요.', retryable: true });
      }
    } catch (error) {
      setPhase('idle');
      setStatus('사전 검증을 완료하지 못했습니다');
      setProblem(describeError(error));
    }
  }

  async function submit() {
    setPhase('submitting');
    setProblem(null);
    const key = flow.idempotencyKey ?? writeFlow({ idempotencyKey: newIdempotencyKey() }).idempotencyKey!;
    try {
      const { data } = await api.changeProduct(current!.productCode, selected!.productCode, key);
      writeFlow({ result: data, failure: undefined });
      navigate('/product/result', { replace: true });
    } catch (error) {
      const view = describeError(error);
      if (error instanceof ApiError && ['KOS_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'NETWORK_ERROR',
        'RATE_LIMITED', 'UPSTREAM_TIMEOUT', 'KOS_TIMEOUT', 'CHANGE_IN_PROGRESS'].includes(error.code)) {
        // Nothing changed (or the outcome is unknown): stay here, the same key retries safely.
        setPhase('passed');
        setProblem(error.code === 'KOS_UNAVAILABLE' || error.code === 'SERVICE_UNAVAILABLE'
          ? { ...view, hint: `아무것도 변경되지 않았습니다. ${view.hint ?? ''}`.trim() } : view);
        return;
      }
      const details = error instanceof ApiError ? error.details as { checks?: ValidationCheck[] } | undefined : undefined;
      writeFlow({ result: undefined, failure: { ...view, checks: details?.checks }, idempotencyKey: undefined });
      navigate('/product/result', { replace: true });
    }
  }

  const steps: { type: string; result: string; message?: string }[] =
    checks ?? DEFAULT_STEPS.map((type) => ({ type, result: 'PENDING' }));
  const done = checks ? checks.length : 0;
  const total = checks ? checks.length : DEFAULT_STEPS.length;

  return (
    <div className="app-shell has-action-bar">
      <Header title="상품 변경 요청" back="/product/change"
        crumbs={[{ label: '홈', to: '/main' }, { label: '상품 변경', to: '/product/menu' },
          { label: '상품 선택', to: '/product/change' }, { label: '변경 요청' }]} />
      <main className="page page-narrow" id="main">
        {problem && (
          <Alert kind="error" title={problem.title} testId="request-error">
            <p>{problem.message}</p>
            {problem.hint && <p>{problem.hint}</p>}
          </Alert>
        )}
        {success && <Alert kind="success" testId="request-success">{success}</Alert>}
        <section className="card" aria-labelledby="confirm-title">
          <h2 id="confirm-title" className="card-title">변경 내용 확인</h2>
          <div className="compare">
            <div className="compare-box compare-before">
              <span className="card-label">현재 상품</span>
              <strong>{current.productName}</strong>
              <span>{formatMonthly(current.monthlyFee)}</span>
            </div>
            <span className="compare-arrow" aria-label="에서">→</span>
            <div className="compare-box compare-after">
              <span className="card-label">변경 상품</span>
              <strong data-testid="request-target">{selected.productName}</strong>
              <span>{formatMonthly(selected.monthlyFee)}</span>
            </div>
          </div>
        </section>
        <section className="caution" aria-labelledby="notice-title">
          <h2 id="notice-title">중요 안내사항</h2>
          <ul>
            <li>변경한 상품은 다음 달 1일부터 적용됩니다.</li>
            <li>약정 기간이 남아 있으면 위약금이 발생할 수 있습니다.</li>
            <li>기존 부가서비스는 자동으로 해지됩니다.</li>
            <li>변경 후 14일 이내에 취소할 수 있으며, 일부 제한이 있습니다.</li>
            <li>남은 데이터는 이월되지 않습니다.</li>
          </ul>
        </section>
        <section className="card" aria-labelledby="precheck-title">
          <h2 id="precheck-title" className="card-title">사전 검증 진행 상황</h2>
          <div className="progress-track" role="progressbar" aria-label="사전 검증 진행률" aria-valuemin={0}
            aria-valuemax={total} aria-valuenow={done}>
            <div className={`progress-bar${phase === 'failed' ? ' failed' : ''}`} style={{ width: `${total ? (done / total) * 100 : 0}%` }} />
          </div>
          <p className="progress-text"><span>{done}/{total} 단계</span>
            <span aria-live="polite" role="status" data-testid="precheck-status">{status}</span></p>
          <ol className="steps" data-testid="precheck-steps">
            {steps.map((step) => (
              <li key={step.type} className={`step step-${step.result === 'PASS' ? 'pass' : step.result === 'FAIL' ? 'fail' : phase === 'checking' ? 'active' : 'pending'}`}
                data-check={step.type} data-result={step.result}>
                <span className="step-icon" aria-hidden="true">
                  {step.result === 'PASS' ? '✓' : step.result === 'FAIL' ? '✕' : phase === 'checking' ? '…' : '○'}
                </span>
                <span>{STEP_LABELS[step.type] ?? step.type}
                  <span className="sr-only">: {step.result === 'PASS' ? '통과' : step.result === 'FAIL' ? '실패' : '대기'}</span>
                  {step.result === 'FAIL' && step.message && <span className="step-message">{step.message}</span>}
                </span>
              </li>
            ))}
          </ol>
        </section>
      </main>
      <div className="action-bar">
        <div className="action-bar-inner action-bar-3">
          <button type="button" className="btn btn-outline" onClick={() => navigate('/product/change')}
            disabled={phase === 'submitting'}>이전 단계</button>
          <button type="button" className="btn btn-secondary" onClick={() => navigate('/product/menu')}
            disabled={phase === 'submitting'}>취소</button>
          {phase === 'passed' || phase === 'submitting' ? (
            <button ref={primary} type="button" className="btn btn-success" onClick={submit}
              disabled={phase === 'submitting'} aria-busy={phase === 'submitting'} data-testid="submit-change">
              {phase === 'submitting' ? <><Spinner /> 변경 신청 중…</> : '변경 신청하기'}
            </button>
          ) : (
            <button ref={primary} type="button" className="btn btn-primary" onClick={validate}
              disabled={phase === 'checking'} aria-busy={phase === 'checking'} data-testid="start-precheck">
              {phase === 'checking' ? <><Spinner /> 검증 중…</> : phase === 'failed' ? '다시 검증' : '사전 검증 시작'}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
