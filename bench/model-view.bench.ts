// The model view's cost per model: reading the graph (with weight statistics) and the ELK
// layered layout (elkjs's bundled build in Node; the app runs the same code in a web
// worker). Median of 3 layouts after one warm-up; the machine's load is printed with them.
import os from 'node:os';
import ELK from 'elkjs/lib/elk.bundled.js';
import { modelGraph } from '../src/main/api/calls/models.ts';
import { loadModelFile } from '../src/main/onnx/file.ts';
import { displayGraph } from '../src/renderer/results/model-view/displayGraph.ts';
import { layoutGraph } from '../src/renderer/results/model-view/elkLayout.ts';
import { fixtureModel, LENET_FIXTURE, MOBILENET_FIXTURE } from '../test/fixtures-path.ts';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function bench(): Promise<void> {
  const elk = new ELK();
  const models: [string, string][] = [
    ['LeNet-5', LENET_FIXTURE], ['MobileNetV2 (torchvision)', MOBILENET_FIXTURE],
    ['YOLOv8-n-style (width 16)', fixtureModel('yolo-tiny-random.onnx')], ['ViT tiny', fixtureModel('vit-tiny-mnist-trained.onnx')],
  ];
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('model                        nodes  edges  graph ms  layout ms (median of 3)');
  for (const [name, path] of models) {
    const t0 = performance.now();
    const graph = modelGraph(loadModelFile(path), name);
    const graphMs = performance.now() - t0;
    const display = displayGraph(graph, false);
    await layoutGraph(elk, display);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await layoutGraph(elk, display);
      times.push(performance.now() - t);
    }
    console.log(`${name.padEnd(28)} ${String(graph.nodes.length).padStart(5)}  ${String(graph.edges.length).padStart(5)}  ${graphMs.toFixed(0).padStart(8)}  ${median(times).toFixed(0).padStart(9)}`);
  }
}
