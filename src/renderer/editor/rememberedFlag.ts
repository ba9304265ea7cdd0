// A yes/no view preference kept in localStorage (panel collapsed, minimap shown), so the
// editor opens the way the user left it. Storage may be unavailable: the default applies.
import { useCallback, useState } from 'react';

function readFlag(key: string, fallback: () => boolean): boolean {
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback() : v === '1';
  } catch {
    return fallback();
  }
}

export function useRememberedFlag(key: string, fallback: () => boolean): [boolean, (next: boolean | ((v: boolean) => boolean)) => void] {
  const [value, setValue] = useState(() => readFlag(key, fallback));
  const set = useCallback((next: boolean | ((v: boolean) => boolean)) => {
    setValue((prev) => {
      const v = typeof next === 'function' ? next(prev) : next;
      try {
        localStorage.setItem(key, v ? '1' : '0');
      } catch {
        // Not remembered; the choice still applies for this session.
      }
      return v;
    });
  }, [key]);
  return [value, set];
}
