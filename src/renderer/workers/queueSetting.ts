// The app's queue setting (DESIGN.md §10): the redis:// URL of a BullMQ queue whose
// `whittle worker`s run this app's nodes, kept in localStorage; empty runs everything here.
import { useSyncExternalStore } from 'react';

const KEY = 'whittle.queueUrl';
const listeners = new Set<() => void>();

export function queueSetting(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function setQueueSetting(url: string): void {
  try {
    if (url.trim()) localStorage.setItem(KEY, url.trim());
    else localStorage.removeItem(KEY);
  } catch {
    // Storage refused (private window): the setting lasts until reload.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useQueueSetting(): string {
  return useSyncExternalStore(subscribe, queueSetting);
}
