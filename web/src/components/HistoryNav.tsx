// The tabs between the three history lists (bill inquiries, plan changes, logins); a tab
// the user has no permission for is not shown (its API would answer 403).
import { NavLink } from 'react-router-dom';
import { hasPermission, useSession } from '../auth/useSession';

export function HistoryNav() {
  const { user } = useSession();
  const tabs = [
    hasPermission(user?.permissions, 'BILL_INQUIRY') && { to: '/history/bills', label: '요금 조회 내역' },
    hasPermission(user?.permissions, 'PRODUCT_CHANGE') && { to: '/history/changes', label: '상품 변경 내역' },
    { to: '/history/logins', label: '로그인 기록' },
  ].filter(Boolean) as { to: string; label: string }[];
  return (
    <nav className="tabs" aria-label="이용 내역 종류">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end className={({ isActive }) => `tab${isActive ? ' tab-active' : ''}`}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
