import { useSyncExternalStore } from 'react';
import { session } from '../api/client';
import type { Permission } from '../api/types';

export function useSession() {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}

export function hasPermission(permissions: readonly string[] | undefined, permission: Permission) {
  return !!permissions?.includes(permission);
}
