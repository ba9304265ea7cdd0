// One folder of the picker, listed with files.list; a start folder this window may not open
// (a bundled example's, say) falls back to the workspace instead of showing an error.
import { useEffect, useState } from 'react';
import type { CallResponse } from '../../shared/api/contract.ts';
import { useApi } from '../api/useApi.ts';

export type Listing = CallResponse<'files.list'>;

export function useFolderListing(startDir: string | null | undefined, extensions: string[] | null) {
  const api = useApi();
  const [dir, setDir] = useState<string | undefined>(startDir ?? undefined);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api.call('files.list', { dir, ...(extensions ? { extensions } : {}) }).then(
      (res) => { if (live) { setListing(res); setError(null); } },
      (err: unknown) => {
        if (!live) return;
        if (dir !== undefined && dir === startDir) setDir(undefined);
        else setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => { live = false; };
  }, [api, dir, extensions, startDir, reload]);

  return { listing, error, setError, setDir, refresh: () => setReload((n) => n + 1) };
}
