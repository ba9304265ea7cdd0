// A typed .onnx path with Browse… beside it: the native dialog (Electron) or the picker
// (browser host), for fields outside a pipeline such as the Devices profile form.
import { useState } from 'react';
import { useApi } from '../api/useApi.ts';
import { useAppInfo } from '../app/useAppInfo.ts';
import { FileBrowserDialog } from './FileBrowserDialog.tsx';

interface Props {
  value: string;
  onChange(path: string): void;
  placeholder?: string;
  testId: string;
}

export function ModelPathInput({ value, onChange, placeholder, testId }: Props) {
  const api = useApi();
  const info = useAppInfo();
  const [browsing, setBrowsing] = useState(false);
  const browse = async () => {
    if (!info.nativeDialogs) return setBrowsing(true);
    const res = await api.call('files.pick', { mode: 'open-file', extensions: ['onnx'] });
    if (!res.canceled) onChange(res.path);
  };
  return (
    <div className="wh-path__row">
      <input className="wh-input" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} data-testid={testId} />
      <button type="button" className="wh-btn wh-btn--small" onClick={() => void browse()} data-testid={`${testId}-browse`}>Browse…</button>
      {browsing && (
        <FileBrowserDialog mode="open-file" extensions={['onnx']} title="Model to profile" onCancel={() => setBrowsing(false)} onChoose={(p) => { setBrowsing(false); onChange(p); }} />
      )}
    </div>
  );
}
