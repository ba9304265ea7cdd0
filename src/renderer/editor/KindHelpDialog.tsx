// Help on a node kind (the node menu's Help): what it does, its ports and every param
// with its help text and default, all read from the catalog entry.
import type { NodeKindSpec, PortSpec } from '../../shared/catalog/types.ts';
import { Modal } from '../app/Modal.tsx';

function PortList({ title, ports }: { title: string; ports: PortSpec[] }) {
  if (ports.length === 0) return null;
  return (
    <>
      <h3 className="wh-kind-help__heading">{title}</h3>
      <ul className="wh-kind-help__list">
        {ports.map((p) => (
          <li key={p.name}><strong>{p.label}</strong> <span className="wh-muted">({p.type}{p.optional ? ', optional' : ''})</span>{p.help ? ` — ${p.help}` : ''}</li>
        ))}
      </ul>
    </>
  );
}

export function KindHelpDialog({ spec, onClose }: { spec: NodeKindSpec; onClose(): void }) {
  const params = Object.entries(spec.params);
  return (
    <Modal title={`${spec.title} · ${spec.category}`} onClose={onClose} testId="kind-help">
      <p>{spec.description}</p>
      <PortList title="Inputs" ports={spec.inputs} />
      <PortList title="Outputs" ports={spec.outputs} />
      {params.length > 0 && (
        <>
          <h3 className="wh-kind-help__heading">Parameters</h3>
          <dl className="wh-kind-help__params">
            {params.map(([name, p]) => (
              <div key={name}>
                <dt>{p.label} <span className="wh-muted">· default {JSON.stringify(p.default)}</span></dt>
                <dd>{p.help}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <p className="wh-muted">Kind <code>{spec.kind}</code>, version {spec.version}.</p>
    </Modal>
  );
}
