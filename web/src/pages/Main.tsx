import { useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { logout } from '../api/client';
import { api } from '../api/endpoints';
import type { Permission, ProductMenu } from '../api/types';
import { hasPermission, useSession } from '../auth/useSession';
import { Modal } from '../components/Modal';
import { Skeleton } from '../components/Skeleton';
import { describeError } from '../errors';
import { formatLine, formatMonth, formatMonthly } from '../format';

interface ServiceCard {
  permission: Permission;
  icon: string;
  title: string;
  text: string;
  to: string;
  testId: string;
}

const SERVICES: ServiceCard[] = [
  { permission: 'BILL_INQUIRY', icon: '📊', title: '요금 조회', text: '월별 요금과 사용량을 자세히 확인하세요',
    to: '/bill/menu', testId: 'card-bill' },
  { permission: 'PRODUCT_CHANGE', icon: '🔄', title: '상품 변경', text: '현재 요금제를 다른 상품으로 변경하세요',
    to: '/product/menu', testId: 'card-product' },
];

/** SCR-002 메인 */
export function MainPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [denied, setDenied] = useState<string | null>(
    (location.state as { denied?: string } | null)?.denied ?? null);
  const [confirmLogout, setConfirmLogout] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  const [product, setProduct] = useState<ProductMenu | null>(null);
  const [productState, setProductState] = useState<'idle' | 'loading' | 'error' | 'none'>('idle');
  const [productError, setProductError] = useState<string>('');
  const canChange = hasPermission(user?.permissions, 'PRODUCT_CHANGE');

  const canInquire = hasPermission(user?.permissions, 'BILL_INQUIRY');
  // Without PRODUCT_CHANGE the product API is closed; the plan of the latest bill the user
  // looked at is the best the API offers (labelled as such).
  const [billPlan, setBillPlan] = useState<{ name: string; month: string } | null>(null);

  const loadProduct = useCallback(() => {
    if (!canChange && !canInquire) { setProductState('none'); return; }
    setProductState('loading');
    if (canChange) {
      api.productMenu()
        .then((menu) => { setProduct(menu); setProductState('idle'); })
        .catch((error) => { setProductError(describeError(error).title); setProductState('error'); });
      return;
    }
    api.billHistory({ status: 'COMPLETED', size: 1 })
      .then(async (list) => {
        const latest = list.items[0];
        if (!latest) { setProductState('none'); return; }
        const record = await api.billRecord(latest.requestId);
        if (!record.billInfo?.productName) { setProductState('none'); return; }
        setBillPlan({ name: record.billInfo.productName, month: record.billInfo.billingMonth });
        setProductState('idle');
      })
      .catch((error) => { setProductError(describeError(error).title); setProductState('error'); });
  }, [canChange, canInquire]);

  useEffect(() => {
    loadProduct();
  }, [loadProduct]);

  useEffect(() => {
    if ((location.state as { denied?: string } | null)?.denied) {
      navigate(location.pathname, { replace: true, state: null });
    }
  }, [location, navigate]);

  const closeDenied = useCallback(() => setDenied(null), []);
  const closeLogout = useCallback(() => setConfirmLogout(false), []);

  async function doLogout() {
    setLoggingOut(true);
    await logout();
    navigate('/', { replace: true, state: { notice: '안전하게 로그아웃되었습니다.' } });
  }

  if (!user) return null;
  const isAdmin = hasPermission(user.permissions, 'ADMIN');

  return (
    <div className="app-shell">
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand"><span aria-hidden="true">📱</span> 통신요금 관리</span>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setConfirmLogout(true)}>
            로그아웃
          </button>
        </div>
      </header>
      <main className="page page-main" id="main">
        <section className="card welcome" aria-labelledby="welcome-title">
          <h1 id="welcome-title" className="welcome-title">안녕하세요!</h1>
          <p className="welcome-text"><strong data-testid="user-name">{user.userName ?? user.userId}</strong>님, 환영합니다.</p>
          <dl className="welcome-details">
            <div>
              <dt>회선번호</dt>
              <dd data-testid="line-number">{formatLine(user.lineNumber)}</dd>
            </div>
            <div>
              <dt>현재 상품</dt>
              <dd data-testid="current-product" aria-live="polite">
                {productState === 'loading' && <Skeleton width={140} height={18} />}
                {productState === 'idle' && product && (
                  <>
                    <span className="product-name">{product.currentProduct.productName}</span>{' '}
                    <span className="muted">{formatMonthly(product.currentProduct.monthlyFee)}</span>
                  </>
                )}
                {productState === 'idle' && billPlan && (
                  <>
                    <span className="product-name">{billPlan.name}</span>{' '}
                    <span className="muted small">({formatMonth(billPlan.month)} 청구서 기준)</span>
                  </>
                )}
                {productState === 'none' && (
                  <span className="muted">{canInquire ? '요금을 조회하면 여기에 표시됩니다' : '고객센터(1588-0000)에서 확인할 수 있습니다'}</span>
                )}
                {productState === 'error' && (
                  <span className="muted">
                    {productError} <button type="button" className="link-btn" onClick={loadProduct}>다시 불러오기</button>
                  </span>
                )}
              </dd>
            </div>
          </dl>
        </section>

        <section aria-labelledby="services-title">
          <h2 id="services-title" className="section-title">서비스 메뉴</h2>
          <div className="service-grid">
            {SERVICES.map((service) => {
              const granted = hasPermission(user.permissions, service.permission);
              return (
                <button key={service.permission} type="button" data-testid={service.testId}
                  className={`service-card${granted ? '' : ' disabled'}`}
                  aria-disabled={!granted}
                  aria-describedby={granted ? undefined : `${service.testId}-lock`}
                  onClick={() => (granted ? navigate(service.to) : setDenied(service.title))}>
                  <span className="service-icon" aria-hidden="true">{service.icon}</span>
                  <span className="service-title">{service.title}</span>
                  <span className="service-text">{service.text}</span>
                  {!granted && <span id={`${service.testId}-lock`} className="service-lock">🔒 권한 없음</span>}
                </button>
              );
            })}
            <button type="button" className="service-card" data-testid="card-history"
              onClick={() => navigate(canInquire ? '/history/bills' : canChange ? '/history/changes' : '/history/logins')}>
              <span className="service-icon" aria-hidden="true">🗂️</span>
              <span className="service-title">이용 내역</span>
              <span className="service-text">요금 조회·상품 변경 내역과 로그인 기록을 확인하세요</span>
            </button>
            {isAdmin && (
              <button type="button" className="service-card" data-testid="card-ops" onClick={() => navigate('/ops')}>
                <span className="service-icon" aria-hidden="true">📈</span>
                <span className="service-title">운영 현황</span>
                <span className="service-text">트래픽, 지연 시간, 서킷 브레이커, 캐시 적중률</span>
              </button>
            )}
            {isAdmin && (
              <button type="button" className="service-card" data-testid="card-admin-users" onClick={() => navigate('/admin/users')}>
                <span className="service-icon" aria-hidden="true">👥</span>
                <span className="service-title">사용자 관리</span>
                <span className="service-text">사용자 찾기·등록, 권한 설정, 잠금 해제</span>
              </button>
            )}
          </div>
        </section>
      </main>

      {denied && (
        <Modal title="접근 권한 없음" icon="🚫" onClose={closeDenied} testId="no-permission-dialog">
          <p><strong>{denied}</strong> 서비스 이용 권한이 없습니다.</p>
          <p>권한이 필요하시면 고객센터(1588-0000)로 문의해주세요.</p>
        </Modal>
      )}
      {confirmLogout && (
        <Modal title="로그아웃" icon="👋" onClose={closeLogout} testId="logout-dialog"
          actions={(
            <>
              <button type="button" className="btn btn-secondary" onClick={closeLogout}>취소</button>
              <button type="button" className="btn btn-primary" onClick={doLogout} disabled={loggingOut}>
                {loggingOut ? '로그아웃 중…' : '로그아웃'}
              </button>
            </>
          )}>
          <p>로그아웃 하시겠습니까? 모든 기기에서 이 세션이 종료됩니다.</p>
        </Modal>
      )}
    </div>
  );
}
