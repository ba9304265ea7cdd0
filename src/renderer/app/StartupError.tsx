// Shown when the renderer cannot reach the API at all (host stopped, wrong token).
export function StartupError({ error }: { error: unknown }) {
  const e = error as { message?: string; hint?: string };
  return (
    <div className="wh-startup-error" role="alert" data-testid="startup-error">
      <h1>Whittle cannot start</h1>
      <p>{e?.message ?? String(error)}</p>
      <p className="wh-muted">{e?.hint ?? 'Start the host with `npm run web` and open the exact address it prints (it carries a one-time token).'}</p>
    </div>
  );
}
