import { createContext, useContext } from 'react';
import type { Session } from './api.ts';

export const SessionContext = createContext<Session | null>(null);
export const useSession = (): Session | null => useContext(SessionContext);
