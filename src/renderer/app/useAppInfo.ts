// app.info as fetched once at start-up.
import { useContext } from 'react';
import { AppInfoContext, type AppInfo } from './AppInfoContext.ts';

export function useAppInfo(): AppInfo {
  const info = useContext(AppInfoContext);
  if (!info) throw new Error('useAppInfo must be used inside <AppInfoContext.Provider> (set up in main.tsx).');
  return info;
}
