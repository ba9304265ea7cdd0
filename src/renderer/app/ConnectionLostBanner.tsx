// Says so when the browser host goes away; calls would fail from here on.
import { useEffect, useState } from 'react';
import { onConnectionLost } from '../api/transport.ts';

export function ConnectionLostBanner() {
  const [lost, setLost] = useState(false);
  useEffect(() => onConnectionLost(() => setLost(true)), []);
  if (!lost) return null;
  return (
    <div className="wh-banner wh-banner--error" role="alert" data-testid="connection-lost">
      <span>The connection to the Whittle host was lost. Restart <code>npm run web</code> and open the address it prints; your autosaved work will be offered back.</span>
    </div>
  );
}
