import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, login } from '../api/client';
import { useSession } from '../auth/useSession';
import { Alert } from '../components/Alert';
import { Spinner } from '../components/Spinner';
import { describeError } from '../errors';

const MAX_ATTEMPTS = 5;
// The server's rules (SPEC §3): the button stays disabled until both fields meet them.
const USER_ID = /^[A-Za-z0-9_-]{3,20}$/;
const idProblem = (id: string) => (!id ? '아이디를 입력해주세요.' : USER_ID.test(id) ? '' : '아이디는 영문·숫자 3~20자입니다.');
const passwordProblem = (pw: string) => (!pw ? '비밀번호를 입력해주세요.' : pw.length < 8 || pw.length > 64 ? '비밀번호는 8~64자입니다.' : '');

interface LoginProblem {
  title: string;
  detail?: string;
  lockedUntil?: number;
  code: string;
}

function remainingText(until: number, now: number) {
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}분 ${String(s).padStart(2, '0')}초`;
}

/** SCR-001 로그인 */
export function LoginPage() {
  const { user, endedReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [autoLogin, setAutoLogin] = useState(false);
  const [touched, setTouched] = useState({ userId: false, password: false });
  const [fieldError, setFieldError] = useState<{ userId?: string; password?: string }>({});
  const [problem, setProblem] = useState<LoginProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());
  const idRef = useRef<HTMLInputElement>(null);
  const pwRef = useRef<HTMLInputElement>(null);
  const notice = (location.state as { notice?: string } | null)?.notice;

  useEffect(() => {
    if (!problem?.lockedUntil) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [problem?.lockedUntil]);

  if (user) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/' ? from : '/main'} replace />;
  }

  const locked = !!problem?.lockedUntil && problem.lockedUntil > now;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const id = userId.trim();
    if (idProblem(id)) {
      setFieldError({ userId: idProblem(id) });
      idRef.current?.focus();
      return;
    }
    if (passwordProblem(password)) {
      setFieldError({ password: passwordProblem(password) });
      pwRef.current?.focus();
      return;
    }
    setFieldError({});
    setProblem(null);
    setBusy(true);
    try {
      await login(id, password, autoLogin);
      navigate('/main', { replace: true });
    } catch (error) {
      setProblem(toProblem(error));
      // The countdown counts from now, not from when the page (and `now`) was last rendered.
      setNow(Date.now());
      setPassword('');
      pwRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  // Messages appear once a field was left (blur) or a submit was tried, and clear as it becomes valid.
  const idMessage = fieldError.userId ?? (touched.userId ? idProblem(userId.trim()) : '');
  const pwMessage = fieldError.password ?? (touched.password ? passwordProblem(password) : '');
  const idInvalid = !!idMessage;
  const pwInvalid = !!pwMessage;
  const valid = !idProblem(userId.trim()) && !passwordProblem(password);

  return (
    <div className="login-page">
      <main className="page page-narrow" id="main">
        <header className="login-header">
          <div className="logo" aria-hidden="true">📱</div>
          <h1 className="login-title">통신요금 관리</h1>
          <p className="login-subtitle">간편하고 안전한 요금 관리 서비스</p>
        </header>
        <section className="card" aria-label="로그인">
          {notice && !problem && <Alert kind="success" testId="login-notice">{notice}</Alert>}
          {endedReason && !problem && !notice && <Alert kind="info" testId="login-ended">{endedReason}</Alert>}
          {problem && (
            <Alert id="login-error" kind="error" title={problem.title} testId="login-error">
              {problem.detail && <p data-testid="login-error-detail">{problem.detail}</p>}
              {locked && problem.lockedUntil && (
                <p data-testid="lock-countdown">
                  잠금 해제까지 <strong>{remainingText(problem.lockedUntil, now)}</strong> 남았습니다.
                </p>
              )}
            </Alert>
          )}
          <form onSubmit={onSubmit} noValidate aria-describedby={problem ? 'login-error' : undefined}>
            <div className="field">
              <label htmlFor="userId">아이디</label>
              <input id="userId" name="userId" ref={idRef} type="text" autoComplete="username"
                autoCapitalize="none" spellCheck={false} required value={userId}
                aria-invalid={idInvalid} aria-describedby={idMessage ? 'userId-error' : undefined}
                className={idInvalid ? 'invalid' : undefined}
                onChange={(e) => { setUserId(e.target.value); setFieldError({}); }}
                onBlur={() => setTouched((t) => ({ ...t, userId: true }))} />
              {idMessage && <p id="userId-error" className="field-error">{idMessage}</p>}
            </div>
            <div className="field">
              <label htmlFor="password">비밀번호</label>
              <input id="password" name="password" ref={pwRef} type="password" autoComplete="current-password"
                required value={password} aria-invalid={pwInvalid}
                aria-describedby={pwMessage ? 'password-error' : undefined}
                className={pwInvalid ? 'invalid' : undefined}
                onChange={(e) => { setPassword(e.target.value); setFieldError({}); }}
                onBlur={() => setTouched((t) => ({ ...t, password: true }))} />
              {pwMessage && <p id="password-error" className="field-error">{pwMessage}</p>}
            </div>
            <div className="checkbox-field">
              <input id="autoLogin" type="checkbox" checked={autoLogin} onChange={(e) => setAutoLogin(e.target.checked)} />
              <label htmlFor="autoLogin">자동 로그인</label>
            </div>
            <button type="submit" className="btn btn-primary btn-block btn-lg" disabled={busy || locked || !valid}
              aria-busy={busy} aria-describedby={valid || busy || locked ? undefined : 'login-help'}>
              {busy ? <><Spinner /> 로그인 중…</> : '로그인'}
            </button>
          </form>
          {!valid && !busy && !locked && <p id="login-help" className="field-help" data-testid="login-help">아이디와 비밀번호를 입력하면 로그인할 수 있습니다.</p>}
          <p className="demo-hint">데모 계정: user01 / Passw0rd!01</p>
        </section>
      </main>
      <footer className="login-footer">© 2025 통신요금 관리. All rights reserved.</footer>
    </div>
  );
}

function toProblem(error: unknown): LoginProblem {
  if (error instanceof ApiError) {
    const details = (error.details ?? {}) as { remainingAttempts?: number; lockedUntil?: string };
    const lockedUntil = details.lockedUntil ? Date.parse(details.lockedUntil) : undefined;
    switch (error.code) {
      case 'AUTH_001': {
        const left = details.remainingAttempts;
        return {
          code: error.code,
          title: error.message || 'ID 또는 비밀번호를 확인해주세요',
          detail: typeof left === 'number'
            ? `로그인에 실패했습니다. ${left}회 더 시도할 수 있습니다. (최대 ${MAX_ATTEMPTS}회)`
            : undefined,
        };
      }
      case 'AUTH_002':
        return {
          code: error.code,
          title: error.message || `${MAX_ATTEMPTS}회 연속 실패하여 30분간 계정이 잠금되었습니다`,
          detail: '30분 후에 다시 시도하거나 고객센터(1588-0000)로 문의해주세요.',
          lockedUntil: Number.isNaN(lockedUntil) ? undefined : lockedUntil,
        };
      case 'AUTH_003':
        return {
          code: error.code,
          title: error.message || '계정이 잠금되었습니다',
          detail: '잠금이 풀린 뒤 다시 시도하거나 고객센터(1588-0000)로 문의해주세요.',
          lockedUntil: Number.isNaN(lockedUntil) ? undefined : lockedUntil,
        };
      case 'VALIDATION_ERROR':
        return { code: error.code, title: 'ID 또는 비밀번호를 확인해주세요',
          detail: '아이디는 영문·숫자 3~20자, 비밀번호는 8~64자입니다.' };
      default: {
        const view = describeError(error);
        return { code: view.code, title: view.title, detail: [view.message, view.hint].filter(Boolean).join(' ') };
      }
    }
  }
  return { code: 'CLIENT_ERROR', title: '로그인 중 오류가 발생했습니다', detail: '잠시 후 다시 시도해주세요.' };
}
