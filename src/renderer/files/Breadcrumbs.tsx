// The picker's location: one button per folder from the root down to the current one.
interface Props {
  root: string;
  dir: string;
  onGo(dir: string): void;
}

export function Breadcrumbs({ root, dir, onGo }: Props) {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const rest = dir.startsWith(root) ? dir.slice(root.length).split(/[\\/]/).filter(Boolean) : [];
  const crumbs = [{ label: root, path: root }];
  let path = root;
  for (const part of rest) {
    path = path.endsWith(sep) ? `${path}${part}` : `${path}${sep}${part}`;
    crumbs.push({ label: part, path });
  }
  return (
    <nav className="wh-files__crumbs" aria-label="Folder" data-testid="file-browser-crumbs">
      {crumbs.map((c, i) => (
        <span key={c.path}>
          {i > 0 && <span className="wh-muted"> {sep} </span>}
          <button type="button" className="wh-files__crumb" onClick={() => onGo(c.path)} disabled={c.path === dir} data-testid={`crumb-${i}`}>{c.label}</button>
        </span>
      ))}
    </nav>
  );
}
