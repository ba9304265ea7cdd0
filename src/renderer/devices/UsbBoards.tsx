// Jetsons attached in USB device mode: offered as a board over their USB network link.
import { useEffect, useState } from 'react';
import type { UsbBoard } from '../../shared/devices/schema.ts';
import { useApi } from '../api/useApi.ts';

export function UsbBoards({ knownHosts, onAdd }: { knownHosts: string[]; onAdd(board: UsbBoard): void }) {
  const api = useApi();
  const [boards, setBoards] = useState<UsbBoard[]>([]);
  const scan = () => { api.call('devices.usb', {}).then((r) => setBoards(r.boards)).catch(() => setBoards([])); };
  useEffect(scan, [api]);
  const offers = boards.filter((b) => !knownHosts.includes(b.suggestedHost));
  return (
    <div className="wh-usb" data-testid="usb-boards">
      <div className="wh-usb__head"><span className="wh-muted">USB</span><button type="button" className="wh-btn wh-btn--small wh-btn--ghost" onClick={scan}>Rescan</button></div>
      {offers.length === 0 ? <div className="wh-muted wh-usb__none">No Jetson in USB device mode.</div> : offers.map((b) => (
        <div key={b.sysfsPath} className="wh-usb__offer" data-testid="usb-offer">
          <div><strong>{b.product}</strong> <span className="wh-muted">0955:{b.productId}{b.netInterface ? ` · ${b.netInterface}` : ''}</span></div>
          <button type="button" className="wh-btn wh-btn--small" onClick={() => onAdd(b)}>Add over USB ({b.suggestedHost})</button>
        </div>
      ))}
    </div>
  );
}
