// 사용자 관리 (ADMIN): find a user by ID (their login history: the API has no user
// lookup), unlock a locked account, set permissions, create a user. Every change asks for
// confirmation first and shows the API's answer, or its error code in Korean.
import { useCallback, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { LoginAttempt, Page, Permission, User } from '../api/types';
import { Alert } from '../components/Alert';
import { Header } from '../components/Header';
import { Modal } from '../components/Modal';
import { describeError } from '../errors';
import { formatDateTime, formatLine } from '../format';
import { LoginAttemptList } from './LoginHistory';

const PERMISSIONS: { value: Permission; label: string }[] = [
  { value: 'BILL_INQUIRY', label: '요금 조회' },
  { value: 'PRODUCT_CHANGE', label: '상품 변경' },
  { value: 'ADMIN', label: '관리자' },
];
const USER_ID = /^[A-Za-z0-9_-]{3,20}$/;

interface Pending { title: string; text: string; run: () => Promise<User>; done: string }
interface Outcome { kind: 'success' | 'error'; title: string; text?: string; code?: string }

function errorOutcome(error: unknown): Outcome {
  const view = describeError(error);
  return { kind: 'error', title: view.title, text: [view.message, view.hint].filter(Boolean).join(' '), code: view.code };
}

function PermissionBoxes({ idPrefix, value, onChange }: { idPrefix: string; value: Permission[]; onChange: (v: Permission[]) => void }) {
  return (
    <fieldset className="permission-boxes">
      <legend>권한</legend>
      {PERMISSIONS.map((p) => (
        <div className="checkbox-field" key={p.value}>
          <input id={`${idPrefix}-${p.value}`} type="checkbox" checked={value.includes(p.value)}
            onChange={(e) => onChange(e.target.checked ? [...value, p.value] : value.filter((v) => v !== p.value))} />
          <label htmlFor={`${idPrefix}-${p.value}`}>{p.label} <span className="muted small">({p.value})</span></label>
        </div>
      ))}
    </fieldset>
  );
}

function UserCard({ user }: { user: User }) {
  return (
    <dl className="rows" data-testid="admin-user">
      <div className="row"><dt>아이디</dt><dd>{user.userId}</dd></div>
      <div className="row"><dt>이름</dt><dd>{user.userName}</dd></div>
      <div className="row"><dt>회선번호</dt><dd>{formatLine(user.lineNumber)}</dd></div>
      <div className="row"><dt>상태</dt><dd data-testid="admin-user-status">{user.status === 'LOCKED' ? '잠금' : '정상'}</dd></div>
      <div className="row"><dt>권한</dt><dd>{user.permissions.join(', ') || '없음'}</dd></div>
      <div className="row"><dt>마지막 로그인</dt><dd>{formatDateTime(user.lastLoginAt)}</dd></div>
    </dl>
  );
}

/** 사용자 관리 */
export function AdminUsersPage() {
  const [searchId, setSearchId] = useState('');
  const [found, setFound] = useState<{ userId: string; history: Page<LoginAttempt> } | null>(null);
  const [searchError, setSearchError] = useState<Outcome | null>(null);
  const [user, setUser] = useState<User | null>(null);
  const [permissions, setPermissions] = useState<Permission[]>(['BILL_INQUIRY']);
  const [form, setForm] = useState({ userId: '', password: '', userName: '', customerId: '', lineNumber: '' });
  const [newPermissions, setNewPermissions] = useState<Permission[]>(['BILL_INQUIRY']);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const closePending = useCallback(() => { if (!busy) setPending(null); }, [busy]);

  async function find(event: FormEvent) {
    event.preventDefault();
    const id = searchId.trim();
    setOutcome(null);
    setUser(null);
    if (!USER_ID.test(id)) {
      setFound(null);
      setSearchError({ kind: 'error', title: '아이디를 확인해주세요', text: '아이디는 영문·숫자·_·- 3~20자입니다.' });
      return;
    }
    setSearchError(null);
    try {
      setFound({ userId: id, history: await api.userLoginHistory(id, { size: 5 }) });
    } catch (error) {
      setFound(null);
      setSearchError(errorOutcome(error));
    }
  }

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    try {
      const answer = await pending.run();
      setUser(answer);
      setPermissions(answer.permissions);
      setOutcome({ kind: 'success', title: pending.done });
    } catch (error) {
      setOutcome(errorOutcome(error));
    } finally {
      setBusy(false);
      setPending(null);
    }
  }

  function create(event: FormEvent) {
    event.preventDefault();
    const body = { ...form, userId: form.userId.trim(), lineNumber: form.lineNumber.replace(/\D/g, ''), permissions: newPermissions };
    setPending({
      title: '사용자 등록', text: `${body.userId} (${body.userName}) 사용자를 등록할까요?`, done: `${body.userId} 사용자를 등록했습니다.`,
      run: () => api.createUser(body),
    });
  }

  const lastAttempt = found?.history.items[0];
  const lockSeen = lastAttempt && (lastAttempt.reason === 'ACCOUNT_LOCKED' || lastAttempt.reason === 'LOCKED');

  return (
    <div className="app-shell shell-list">
      <Header title="사용자 관리" back="/main" crumbs={[{ label: '홈', to: '/main' }, { label: '사용자 관리' }]} />
      <main className="page page-list" id="main">
        {outcome && (
          <Alert kind={outcome.kind} title={outcome.title} testId="admin-outcome">
            {outcome.text && <p>{outcome.text}</p>}
            {outcome.code && <p className="small">오류 코드: <span data-testid="admin-error-code">{outcome.code}</span></p>}
          </Alert>
        )}
        <section className="card" aria-labelledby="find-title">
          <h2 id="find-title" className="card-title">사용자 찾기</h2>
          <form onSubmit={find} className="inline-form">
            <div className="field">
              <label htmlFor="admin-search">아이디</label>
              <input id="admin-search" type="text" autoCapitalize="none" spellCheck={false} value={searchId}
                onChange={(e) => setSearchId(e.target.value)} />
            </div>
            <button type="submit" className="btn btn-primary" data-testid="admin-find">찾기</button>
          </form>
          {searchError && <Alert kind="error" title={searchError.title}>{searchError.text}{searchError.code && ` (${searchError.code})`}</Alert>}
          {found && (
            <div data-testid="admin-found">
              <h3 className="subsection-title">{found.userId}의 최근 로그인 기록</h3>
              {found.history.items.length === 0
                ? <p className="muted">로그인 기록이 없습니다. 없는 아이디이거나 아직 로그인한 적이 없는 사용자입니다.</p>
                : <LoginAttemptList items={found.history.items} />}
              {lockSeen && (
                <Alert kind="warning" title="잠긴 계정일 수 있습니다" testId="admin-lock-seen">
                  마지막 시도({formatDateTime(lastAttempt.attemptedAt)})가 계정 잠금으로 거절되었습니다. 잠금 해제 시각은 API가 알려주지 않아 표시할 수 없습니다.
                </Alert>
              )}
              {user && user.userId === found.userId && <UserCard user={user} />}
              <div className="button-row">
                <button type="button" className="btn btn-outline" data-testid="admin-unlock"
                  onClick={() => setPending({
                    title: '잠금 해제', text: `${found.userId} 계정의 잠금을 해제할까요? 실패 횟수도 초기화됩니다.`,
                    done: `${found.userId} 계정의 잠금을 해제했습니다.`, run: () => api.unlockUser(found.userId),
                  })}>잠금 해제</button>
              </div>
              <PermissionBoxes idPrefix="perm" value={permissions} onChange={setPermissions} />
              <button type="button" className="btn btn-secondary" data-testid="admin-set-permissions"
                onClick={() => setPending({
                  title: '권한 변경', text: `${found.userId}의 권한을 ${permissions.join(', ') || '없음'}(으)로 바꿀까요? 이 사용자의 로그인 세션이 모두 종료됩니다.`,
                  done: `${found.userId}의 권한을 바꿨습니다.`, run: () => api.setPermissions(found.userId, permissions),
                })}>권한 저장</button>
            </div>
          )}
        </section>

        <section className="card" aria-labelledby="create-title">
          <h2 id="create-title" className="card-title">사용자 등록</h2>
          <form onSubmit={create} data-testid="admin-create-form">
            {([
              ['userId', '아이디', 'text', '영문·숫자·_·- 3~20자'],
              ['password', '비밀번호', 'password', '8~64자'],
              ['userName', '이름', 'text', ''],
              ['customerId', '고객ID', 'text', ''],
              ['lineNumber', '회선번호', 'text', '010-1234-5678'],
            ] as const).map(([key, label, type, help]) => (
              <div className="field" key={key}>
                <label htmlFor={`new-${key}`}>{label}</label>
                <input id={`new-${key}`} type={type} required value={form[key]} autoComplete={key === 'password' ? 'new-password' : 'off'}
                  aria-describedby={help ? `new-${key}-help` : undefined}
                  onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
                {help && <p id={`new-${key}-help`} className="field-help">{help}</p>}
              </div>
            ))}
            <PermissionBoxes idPrefix="new-perm" value={newPermissions} onChange={setNewPermissions} />
            <button type="submit" className="btn btn-primary" data-testid="admin-create">등록</button>
          </form>
          {user && user.userId !== found?.userId && <UserCard user={user} />}
        </section>
      </main>
      {pending && (
        <Modal title={pending.title} icon="❓" onClose={closePending} testId="admin-confirm"
          actions={(
            <>
              <button type="button" className="btn btn-secondary" onClick={closePending} disabled={busy}>취소</button>
              <button type="button" className="btn btn-primary" onClick={confirm} disabled={busy} data-testid="admin-confirm-ok">
                {busy ? '처리 중…' : '확인'}
              </button>
            </>
          )}>
          <p>{pending.text}</p>
        </Modal>
      )}
    </div>
  );
}
