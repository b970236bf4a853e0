import { createContext, useContext } from 'react';
import type { Schemas } from './api/client';
import type { WorkspaceFormat } from './format';

export type Role = 'owner' | 'admin' | 'member' | 'read_only';
const RANK: Record<Role, number> = { read_only: 0, member: 1, admin: 2, owner: 3 };

export interface Session {
  me: Schemas['Me'];
  workspaceId: string;
  role: Role;
  format: WorkspaceFormat;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in workspace');
  return s;
}

/** The same ladder the API's requireRank uses: the app hides what the API would refuse. */
export const atLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];
