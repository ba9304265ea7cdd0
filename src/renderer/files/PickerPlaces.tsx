// The picker's side list: the roots this window may open (workspace, bundled examples, the
// user's exports) and the folders files were opened from lately.
interface Props {
  roots: string[];
  recent: string[];
  onGo(dir: string): void;
}

function shortName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join('/') || path;
}

export function PickerPlaces({ roots, recent, onGo }: Props) {
  return (
    <aside className="wh-files__places" data-testid="file-browser-places">
      <div className="wh-files__places-title">Places</div>
      {roots.map((r) => (
        <button key={r} type="button" className="wh-files__place" title={r} onClick={() => onGo(r)}>{shortName(r)}</button>
      ))}
      {recent.length > 0 && <div className="wh-files__places-title">Recent</div>}
      {recent.map((r) => (
        <button key={r} type="button" className="wh-files__place" title={r} onClick={() => onGo(r)} data-testid="file-browser-recent">{shortName(r)}</button>
      ))}
    </aside>
  );
}
