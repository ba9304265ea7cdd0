// How to give a board a runner: the install steps for what its probe did not find, open at
// once when it has none ("Runners: none found" is not the end of the road).
import type { ProbeResult } from '../../shared/devices/schema.ts';
import { runnerInstallHelp } from './runnerHelp.ts';

export function RunnerHelp({ probe }: { probe: ProbeResult }) {
  const steps = runnerInstallHelp(probe);
  if (!steps.length) return null;
  const none = probe.runners.length === 0;
  return (
    <details className="wh-runnerhelp" open={none} data-testid="runner-help">
      <summary>{none ? 'No runner yet: how to install one on this board' : 'Add another runner'}</summary>
      <p className="wh-muted">Run these on the board ({probe.os}, {probe.arch}{probe.jetson ? `, ${probe.jetson.model}` : ''}), then Probe again. One runner is enough.</p>
      <ol>
        {steps.map((s) => (
          <li key={s.runner} data-testid={`runner-help-${s.runner}`}>
            <strong>{s.title}</strong>
            <pre className="wh-runnerhelp__cmd">{s.commands.join('\n')}</pre>
            <div className="wh-muted">{s.where}</div>
          </li>
        ))}
      </ol>
    </details>
  );
}
