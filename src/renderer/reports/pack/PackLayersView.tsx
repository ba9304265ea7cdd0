// `pack.layers`: the storage form each tensor took, its size, and why — with every form
// that was measured or refused — plus the check of the packed model in ONNX Runtime.
import type { ReportViewProps } from '../registry.ts';
import type { FormCandidate, PackLayersData } from '../../../shared/reports/pack.ts';
import { formatBytes, formatCount } from '../../../shared/format.ts';

function candidateText(c: FormCandidate): string {
  return c.rejected ? `${c.form}: ${c.rejected}` : `${c.form}: ${formatBytes(c.rawBytes ?? 0)} (${formatBytes(c.gzipBytes ?? 0)} gzip)`;
}

export function PackLayersView({ report }: ReportViewProps) {
  const data = report.data as PackLayersData;
  const check = data.identical
    ? `Outputs identical to the unpacked model's in ONNX Runtime on ${data.comparedSamples} samples.`
    : `Outputs differ from the unpacked model's by up to ${data.maxAbsDiff.toPrecision(3)} on ${data.comparedSamples} samples.`;
  return (
    <section data-testid="pack-layers">
      <p data-testid="pack-check" className={data.identical ? undefined : 'wh-error'}>
        Target {data.target === 'tensorrt' ? 'TensorRT (Jetson)' : 'ONNX Runtime'}, smallest by {data.objective}, opset {data.opset}. {check}
      </p>
      <table className="wh-table">
        <thead>
          <tr>
            <th>Tensor</th><th>Layers</th><th className="wh-num">Elements</th><th className="wh-num">Non-zeros</th><th className="wh-num">Distinct</th>
            <th>Form</th><th className="wh-num">Stored</th><th className="wh-num">gzip</th><th className="wh-num">Bits/weight</th><th>Why</th>
          </tr>
        </thead>
        <tbody>
          {data.tensors.map((t) => (
            <tr key={t.tensor}>
              <td><code>{t.tensor}</code></td>
              <td>{t.layers.join(', ')}</td>
              <td className="wh-num">{formatCount(t.elements)}</td>
              <td className="wh-num">{formatCount(t.nonzeros)}</td>
              <td className="wh-num">{formatCount(t.distinctValues)}</td>
              <td><strong>{t.form}</strong></td>
              <td className="wh-num">{formatBytes(t.rawBytes)}</td>
              <td className="wh-num">{formatBytes(t.gzipBytes)}</td>
              <td className="wh-num">{t.bitsPerWeight.toFixed(2)}</td>
              <td>
                <details>
                  <summary>{t.reason}</summary>
                  <ul>{t.candidates.map((c) => <li key={c.form}>{candidateText(c)}</li>)}</ul>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
