import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { BrowserRouter, Link, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { RequireAuth } from './auth/RequireAuth';
import { useSession } from './auth/useSession';
import { PageSkeleton } from './components/Skeleton';
import { BillResultPage } from './pages/BillResult';
import { LoginPage } from './pages/Login';
import { MainPage } from './pages/Main';

// The ops dashboard and its chart library load only when an ADMIN opens it.
const OpsPage = lazy(() => import('./pages/Ops'));
// The bill menu, the product flow, history and user management are chunks of their own:
// the script the first screens wait for stays small (less to run before they respond).
const BillMenuPage = lazy(() => import('./pages/BillMenu').then((m) => ({ default: m.BillMenuPage })));
const ProductMenuPage = lazy(() => import('./pages/ProductMenu').then((m) => ({ default: m.ProductMenuPage })));
const ProductSelectPage = lazy(() => import('./pages/ProductSelect').then((m) => ({ default: m.ProductSelectPage })));
const ProductRequestPage = lazy(() => import('./pages/ProductRequest').then((m) => ({ default: m.ProductRequestPage })));
const ProductResultPage = lazy(() => import('./pages/ProductResult').then((m) => ({ default: m.ProductResultPage })));
const BillHistoryPage = lazy(() => import('./pages/BillHistory').then((m) => ({ default: m.BillHistoryPage })));
const BillRecordPage = lazy(() => import('./pages/BillRecord').then((m) => ({ default: m.BillRecordPage })));
const ChangeHistoryPage = lazy(() => import('./pages/ChangeHistory').then((m) => ({ default: m.ChangeHistoryPage })));
const LoginHistoryPage = lazy(() => import('./pages/LoginHistory').then((m) => ({ default: m.LoginHistoryPage })));
const AdminUsersPage = lazy(() => import('./pages/AdminUsers').then((m) => ({ default: m.AdminUsersPage })));
const later = (page: ReactNode) => <Suspense fallback={<PageSkeleton />}>{page}</Suspense>;

const TITLES: Record<string, string> = {
  '/': '로그인', '/main': '메인', '/bill/menu': '요금 조회', '/bill/result': '요금조회 결과',
  '/product/menu': '상품 변경', '/product/change': '상품 선택', '/product/request': '상품 변경 요청',
  '/product/result': '처리 결과', '/ops': '운영 현황', '/history/bills': '요금 조회 내역',
  '/history/changes': '상품 변경 내역', '/history/logins': '로그인 기록', '/admin/users': '사용자 관리',
};

/** Page title, focus to the new page's heading and a route announcement on navigation. */
function RouteEffects() {
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    const title = TITLES[location.pathname]
      ?? (location.pathname.startsWith('/history/bills/') ? '조회한 요금' : '페이지를 찾을 수 없습니다');
    document.title = `${title} | 통신요금 관리`;
    if (first.current) { first.current = false; return; }
    const heading = document.querySelector<HTMLElement>('main h1, h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }, [location.pathname]);
  return null;
}

/**
 * The page wrapper. Pages slide in (UI.md: 300 ms) only on navigations inside the app,
 * never on the first load, and only by transform: a first paint that starts at
 * `opacity: 0` is no largest contentful paint for the browser, so Lighthouse and real-user
 * monitoring saw none at all (NO_LCP, issue 22).
 */
function RouteFrame({ children }: { children: ReactNode }) {
  const location = useLocation();
  const first = useRef(location.key);
  const navigated = location.key !== first.current;
  return <div key={location.pathname} className={navigated ? 'route route-enter' : 'route'}>{children}</div>;
}

/** When the session ends (401, logout in another tab) on a protected page, go to login. */
function SessionWatcher() {
  const { user, restoring } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const had = useRef(false);
  useEffect(() => {
    if (user) had.current = true;
    else if (had.current && !restoring && location.pathname !== '/') {
      had.current = false;
      navigate('/', { replace: true });
    }
  }, [user, restoring, location.pathname, navigate]);
  return null;
}

function NotFound() {
  return (
    <main className="page page-narrow" id="main">
      <section className="card error-panel">
        <h1 className="error-title">페이지를 찾을 수 없습니다</h1>
        <p className="error-message">주소를 확인하거나 처음 화면으로 돌아가 주세요.</p>
        <Link className="btn btn-primary" to="/main">메인으로</Link>
      </section>
    </main>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <a className="skip-link" href="#main">본문으로 건너뛰기</a>
      <RouteEffects />
      <SessionWatcher />
      <RouteFrame>
        <Routes>
          <Route path="/" element={<LoginPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/main" element={<RequireAuth><MainPage /></RequireAuth>} />
          <Route path="/bill/menu" element={<RequireAuth permission="BILL_INQUIRY" serviceName="요금 조회">{later(<BillMenuPage />)}</RequireAuth>} />
          <Route path="/bill/result" element={<RequireAuth permission="BILL_INQUIRY" serviceName="요금 조회"><BillResultPage /></RequireAuth>} />
          <Route path="/product/menu" element={<RequireAuth permission="PRODUCT_CHANGE" serviceName="상품 변경">{later(<ProductMenuPage />)}</RequireAuth>} />
          <Route path="/product/change" element={<RequireAuth permission="PRODUCT_CHANGE" serviceName="상품 변경">{later(<ProductSelectPage />)}</RequireAuth>} />
          <Route path="/product/request" element={<RequireAuth permission="PRODUCT_CHANGE" serviceName="상품 변경">{later(<ProductRequestPage />)}</RequireAuth>} />
          <Route path="/product/result" element={<RequireAuth permission="PRODUCT_CHANGE" serviceName="상품 변경">{later(<ProductResultPage />)}</RequireAuth>} />
          <Route path="/ops" element={<RequireAuth permission="ADMIN" serviceName="운영 현황"><Suspense fallback={<PageSkeleton />}><OpsPage /></Suspense></RequireAuth>} />
          <Route path="/history/bills" element={<RequireAuth permission="BILL_INQUIRY" serviceName="요금 조회">{later(<BillHistoryPage />)}</RequireAuth>} />
          <Route path="/history/bills/:requestId" element={<RequireAuth permission="BILL_INQUIRY" serviceName="요금 조회">{later(<BillRecordPage />)}</RequireAuth>} />
          <Route path="/history/changes" element={<RequireAuth permission="PRODUCT_CHANGE" serviceName="상품 변경">{later(<ChangeHistoryPage />)}</RequireAuth>} />
          <Route path="/history/logins" element={<RequireAuth>{later(<LoginHistoryPage />)}</RequireAuth>} />
          <Route path="/admin/users" element={<RequireAuth permission="ADMIN" serviceName="사용자 관리">{later(<AdminUsersPage />)}</RequireAuth>} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </RouteFrame>
    </BrowserRouter>
  );
}
