import { Navigate, useLocation } from 'react-router-dom';
import type { ReactNode } from 'react';
import type { Permission } from '../api/types';
import { hasPermission, useSession } from './useSession';
import { PageSkeleton } from '../components/Skeleton';

/** Routes behind login (and optionally a permission): others go to login or main. */
export function RequireAuth({ children, permission, serviceName }: {
  children: ReactNode;
  permission?: Permission;
  serviceName?: string;
}) {
  const { user, restoring } = useSession();
  const location = useLocation();
  if (restoring) return <PageSkeleton />;
  if (!user) return <Navigate to="/" replace state={{ from: location.pathname + location.search }} />;
  if (permission && !hasPermission(user.permissions, permission)) {
    return <Navigate to="/main" replace state={{ denied: serviceName ?? permission }} />;
  }
  return <>{children}</>;
}
