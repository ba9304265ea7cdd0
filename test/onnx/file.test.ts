// Load/save: round trips keep everything (unknown fields included) and ONNX Runtime
// outputs bit for bit; external data is read and written; hostile files give WhittleErrors.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from '../../src/main/onnx/proto.ts';
import { encodeModel, decodeModel, type Model } from '../../src/main/onnx/model.ts';
import { loadModelBytes, loadModelFile, saveModelFile } from '../../src/main/onnx/file.ts';
import { buildLeNet5, buildResNet } from '../../src/main/onnx/builder/index.ts';
import { makeNode } from '../../src/main/onnx/graph.ts';
import { float32Tensor } from '../../src/main/onnx/tensor.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { checkModel } from '../../src/main/onnx/check.ts';
import { modelStats } from '../../src/main/onnx/stats.ts';
import { FIXTURES_DIR } from '../fixtures-path.ts';

const FIXTURES = `${FIXTURES_DIR}/`;
const dir = mkdtempSync(join(tmpdir(), 'whittle-onnx-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outputsOf(model: Uint8Array | string, dims: number[]): Promise<Float32Array> {
  const session = await createSession(model, { threads: 1 });
  const count = dims.reduce((a, b) => a * b, 1);
  const input = Float32Array.from({ length: count }, (_, i) => Math.cos(i * 0.013) * 2);
  const out = await session.run({ input: new ort.Tensor('float32', input, dims) });
  return out.logits.data as Float32Array;
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function expectError(fn: () => unknown, code: string | RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isWhittleError(err), `expected a WhittleError, got ${String(err)}`).toBe(true);
    const c = (err as { code: string }).code;
    if (typeof code === 'string') expect(c).toBe(code);
    else expect(c).toMatch(code);
    expect((err as Error).message.length).toBeGreaterThan(15);
    return;
  }
  throw new Error(`expected an error ${String(code)}`);
}

/** Bytes of a protobuf varint. */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 127) { out.push((v & 127) | 128); v >>>= 7; }
  out.push(v);
  return out;
}
/** An unknown varint field (number 1000+k), as a newer ONNX might write. */
function unknownField(k: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(((1000 + k) << 3) | 0), ...varint(value)]);
}
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}

describe('round trip', () => {
  for (const [file, dims] of [['lenet5-mnist-trained.onnx', [3, 1, 28, 28]], ['mobilenet_v2-random.onnx', [1, 3, 224, 224]]] as const) {
    it(`${file}: load -> save gives bit-identical ONNX Runtime outputs`, async () => {
      const source = join(FIXTURES, file);
      const saved = join(dir, `rt-${file}`);
      saveModelFile(loadModelFile(source), saved);
      const [before, after] = [await outputsOf(source, [...dims]), await outputsOf(saved, [...dims])];
      expect(bitsEqual(before, after)).toBe(true);
      // Bytes may differ (PyTorch writes some empty optional fields explicitly), content must not.
      const [a, b] = [decodeModel(readFileSync(source)), decodeModel(readFileSync(saved))];
      expect(JSON.stringify(b.graph.node)).toBe(JSON.stringify(a.graph.node));
      expect(JSON.stringify([b.graph.input, b.graph.output, b.opsetImport, b.producerName])).toBe(JSON.stringify([a.graph.input, a.graph.output, a.opsetImport, a.producerName]));
      expect(b.graph.initializer.length).toBe(a.graph.initializer.length);
      b.graph.initializer.forEach((t, i) => {
        expect([t.name, t.dims, t.dataType]).toEqual([a.graph.initializer[i].name, a.graph.initializer[i].dims, a.graph.initializer[i].dataType]);
        expect(Buffer.from(t.rawData).equals(Buffer.from(a.graph.initializer[i].rawData))).toBe(true);
      });
    });
  }

  it('builder ResNet-small: load -> save gives bit-identical outputs', async () => {
    const path = join(dir, 'resnet-small.onnx');
    saveModelFile(buildResNet({ depth: 'small' }), path);
    const again = join(dir, 'resnet-small-2.onnx');
    saveModelFile(loadModelFile(path), again);
    expect(bitsEqual(await outputsOf(path, [2, 3, 32, 32]), await outputsOf(again, [2, 3, 32, 32]))).toBe(true);
  });

  it('keeps metadata, doc strings, value_info, functions, unknown attributes and unknown protobuf fields', async () => {
    const model = buildLeNet5();
    model.docString = 'a doc string';
    model.graph.docString = 'graph doc';
    model.graph.node[0].docString = 'first conv';
    model.metadataProps.push(onnx.StringStringEntryProto.create({ key: 'author', value: 'tests' }));
    model.graph.valueInfo.push(onnx.ValueInfoProto.create({ name: 'relu1.out', type: { tensorType: { elemType: 1 } }, docString: 'vi' }));
    model.functions.push(onnx.FunctionProto.create({
      name: 'Double', domain: 'whittle.test', input: ['x'], output: ['y'],
      node: [makeNode('Add', ['x', 'x'], ['y'])], opsetImport: [{ domain: '', version: 17 }],
    }));
    model.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'whittle.test', version: 1 }));
    // A node carrying a field from the future, decoded the way a newer file would be.
    const nodeBytes = concat(onnx.NodeProto.encode(model.graph.node[1]).finish(), unknownField(1, 7));
    model.graph.node[1] = onnx.NodeProto.decode(nodeBytes);
    const base = concat(encodeModel(model), unknownField(2, 99));
    const source = join(dir, 'extras.onnx');
    writeFileSync(source, base);

    const loaded = loadModelFile(source);
    const relu = loaded.graph.node[1] as unknown as { $unknowns?: Uint8Array[] };
    expect(relu.$unknowns?.map((u) => [...u])).toEqual([[...unknownField(1, 7)]]);
    const saved = join(dir, 'extras-saved.onnx');
    saveModelFile(loaded, saved);
    expect(readFileSync(saved).equals(Buffer.from(base))).toBe(true);
    // ONNX Runtime skips the unknown fields and runs both identically.
    expect(bitsEqual(await outputsOf(source, [1, 1, 28, 28]), await outputsOf(saved, [1, 1, 28, 28]))).toBe(true);

    // An attribute no schema knows survives too (ORT would refuse it, so only bytes are checked).
    const odd = loadModelFile(source);
    odd.graph.node[1].attribute.push(onnx.AttributeProto.create({ name: 'whittle_note', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('keep me') }));
    saveModelFile(odd, saved);
    const back = loadModelFile(saved);
    expect(back.graph.node[1].attribute.map((a) => a.name)).toContain('whittle_note');
    expect(back.functions[0].name).toBe('Double');
    expect(back.graph.valueInfo[0].docString).toBe('vi');
    expect(back.metadataProps.find((p) => p.key === 'author')?.value).toBe('tests');
  });
});

describe('external data', () => {
  it('writes large initializers to a .data file that ONNX Runtime and loadModelFile both read', async () => {
    const sub = join(dir, 'ext');
    mkdirSync(sub);
    const path = join(sub, 'lenet.onnx');
    const model = buildLeNet5({ seed: 3 });
    const result = saveModelFile(model, path, { externalDataThresholdBytes: 1024 });
    expect(result.externalDataPath).toBe(join(sub, 'lenet.onnx.data'));
    expect(existsSync(result.externalDataPath!)).toBe(true);
    expect(result.sizeBytes).toBeLessThan(4000);
    // the input model was not mutated
    expect(model.graph.initializer.every((t) => t.dataLocation === 0 && t.rawData.length > 0)).toBe(true);
    const onDisk = decodeModel(readFileSync(path));
    const external = onDisk.graph.initializer.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.map((t) => t.name).sort()).toEqual(['c2.weight', 'f1.weight', 'f2.weight', 'f3.weight']);
    expect(external[0].externalData.map((e) => e.key)).toEqual(['location', 'offset', 'length']);

    const inline = join(dir, 'lenet-inline.onnx');
    saveModelFile(model, inline);
    const expected = await outputsOf(inline, [2, 1, 28, 28]);
    expect(bitsEqual(await outputsOf(path, [2, 1, 28, 28]), expected)).toBe(true);
    const reloaded = loadModelFile(path);
    expect(reloaded.graph.initializer.every((t) => t.dataLocation === 0)).toBe(true);
    expect(bitsEqual(await outputsOf(encodeModel(reloaded), [2, 1, 28, 28]), expected)).toBe(true);
  });

  function withLocation(location: string, folder: string): string {
    const model = buildLeNet5();
    const t = model.graph.initializer.find((x) => x.name === 'c1.weight')!;
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '600' }];
    mkdirSync(folder, { recursive: true });
    const path = join(folder, 'model.onnx');
    writeFileSync(path, encodeModel(model));
    return path;
  }

  it("refuses locations with '..', absolute paths and symlinks that lead out of the folder", () => {
    const secret = join(dir, 'secret.bin');
    writeFileSync(secret, new Uint8Array(600));
    expectError(() => loadModelFile(withLocation('../secret.bin', join(dir, 'a'))), 'onnx.external-path-refused');
    expectError(() => loadModelFile(withLocation('sub/../../secret.bin', join(dir, 'b'))), 'onnx.external-path-refused');
    expectError(() => loadModelFile(withLocation(secret, join(dir, 'c'))), 'onnx.external-path-refused');
    const d = join(dir, 'd');
    const path = withLocation('link.bin', d);
    symlinkSync(secret, join(d, 'link.bin'));
    expectError(() => loadModelFile(path), 'onnx.external-path-refused');
    const e = join(dir, 'e');
    mkdirSync(e);
    symlinkSync(dir, join(e, 'up'));
    expectError(() => loadModelFile(withLocation('up/secret.bin', e)), 'onnx.external-path-refused');
  });

  it('reports a missing or short external file', () => {
    expectError(() => loadModelFile(withLocation('nothere.bin', join(dir, 'f'))), 'onnx.external-missing');
    const g = join(dir, 'g');
    const path = withLocation('short.bin', g);
    writeFileSync(join(g, 'short.bin'), new Uint8Array(100));
    expectError(() => loadModelFile(path), 'onnx.external-bad');
    expectError(() => loadModelBytes(readFileSync(path)), 'onnx.external-unresolved');
    // A folder inside the model's folder is not a data file either.
    const h = join(dir, 'h');
    const inFolder = withLocation('sub', h);
    mkdirSync(join(h, 'sub'));
    expectError(() => loadModelFile(inFolder), /^onnx\.external-(bad|missing)$/);
  });

  it('refuses external data in a FIFO at once instead of waiting for a writer', () => {
    const f = join(dir, 'fifo');
    const path = withLocation('weights.bin', f);
    execFileSync('mkfifo', [join(f, 'weights.bin')]);
    expectError(() => loadModelFile(path), 'onnx.external-bad');
  });
});

describe('hostile inputs give WhittleErrors', () => {
  const lenet = readFileSync(join(FIXTURES, 'lenet5-mnist-trained.onnx'));

  it('truncated file', () => {
    expectError(() => loadModelBytes(lenet.subarray(0, lenet.length >> 1)), 'onnx.corrupt');
    expectError(() => loadModelBytes(lenet.subarray(0, 0)), 'onnx.empty');
  });

  it('random bytes', () => {
    let seed = 12345;
    for (let trial = 0; trial < 20; trial++) {
      const bytes = Uint8Array.from({ length: 4096 }, () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; });
      expectError(() => loadModelBytes(bytes), /^onnx\.(corrupt|not-a-model|tensor-too-large|bad-dims|short-raw-data|ir-too-new|unsupported-opset)$/);
    }
  });

  it('a protobuf that is not a model', () => {
    // A bare GraphProto (a model without its wrapper) decodes, but has no graph/IR/opset.
    const graph = onnx.GraphProto.encode(buildLeNet5().graph as unknown as onnx.GraphProto).finish();
    expectError(() => loadModelBytes(graph), 'onnx.not-a-model');
    const tensor = onnx.TensorProto.encode(float32Tensor('w', [2, 2], [1, 2, 3, 4])).finish();
    expectError(() => loadModelBytes(tensor), /^onnx\.(corrupt|not-a-model)$/);
  });

  it('a tensor whose dims multiply past 2^31 elements', () => {
    const model = buildLeNet5();
    model.graph.initializer[0].dims = [65536, 65536];
    expectError(() => loadModelBytes(encodeModel(model)), 'onnx.tensor-too-large');
  });

  it('raw_data shorter than its dims', () => {
    const model = buildLeNet5();
    model.graph.initializer[0].dims = [6, 1, 5, 6];
    expectError(() => loadModelBytes(encodeModel(model)), 'onnx.short-raw-data');
  });

  it('an unsupported opset or IR version', () => {
    for (const version of [5, 99]) {
      const model: Model = buildLeNet5();
      model.opsetImport[0].version = version;
      expectError(() => loadModelBytes(encodeModel(model)), 'onnx.unsupported-opset');
    }
    const model = buildLeNet5();
    model.irVersion = 42;
    expectError(() => loadModelBytes(encodeModel(model)), 'onnx.ir-too-new');
  });

  it('mutated models: every failure of load, check or statistics is a WhittleError', () => {
    let seed = 99;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
    let loaded = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from(lenet);
      // The first 1.5 KB hold the header and the nodes (initializers follow).
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) bytes[Math.floor(rand() * 1500)] = Math.floor(rand() * 256);
      try {
        const model = loadModelBytes(bytes);
        loaded++;
        checkModel(model);
        modelStats(model);
      } catch (err) {
        expect(isWhittleError(err), `trial ${trial}: ${String(err)}`).toBe(true);
      }
    }
    expect(loaded).toBeGreaterThan(10); // some mutations decode, so check and statistics are exercised too
  });

  it('a missing file or a folder', () => {
    expectError(() => loadModelFile(join(dir, 'nope.onnx')), 'onnx.unreadable');
    expectError(() => loadModelFile(dir), 'onnx.not-a-file');
    expectError(() => loadModelFile('/dev/zero'), 'onnx.not-a-file');
  });
});
