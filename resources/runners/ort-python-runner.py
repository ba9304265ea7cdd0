# Board-side runner for python3 + onnxruntime, uploaded next to the model by Whittle.
# Usage: python3 ort-python-runner.py <model.onnx> <warmup-runs> <runs> [threads]
# Random inputs (symbolic dims = 1); one JSON line on stdout, progress lines on stderr.
import json, resource, sys, time
import numpy as np
import onnxruntime as ort

TYPES = {'tensor(float)': np.float32, 'tensor(double)': np.float64, 'tensor(int64)': np.int64,
         'tensor(int32)': np.int32, 'tensor(int8)': np.int8, 'tensor(uint8)': np.uint8, 'tensor(float16)': np.float16}

def main():
    model, warmup, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    opts = ort.SessionOptions()
    if threads > 0:
        opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(model, opts, providers=ort.get_available_providers())
    feeds = {}
    for i in sess.get_inputs():
        dims = [d if isinstance(d, int) and d > 0 else 1 for d in i.shape]
        feeds[i.name] = np.random.rand(*dims).astype(TYPES.get(i.type, np.float32))
    for _ in range(warmup):
        sess.run(None, feeds)
    lat = []
    step = max(1, runs // 100)
    t0 = time.perf_counter()
    for k in range(runs):
        s = time.perf_counter()
        sess.run(None, feeds)
        lat.append((time.perf_counter() - s) * 1000)
        if (k + 1) % step == 0:
            print(f'WHITTLE_PROGRESS {k + 1} {runs}', file=sys.stderr, flush=True)
    wall = (time.perf_counter() - t0) * 1000
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({'runner': 'python-ort', 'version': ort.__version__, 'latenciesMs': lat, 'wallMs': wall,
                      'peakRssBytes': rss, 'providers': sess.get_providers()}))

try:
    main()
except Exception as e:  # the message reaches the user through Whittle's error
    print(f'WHITTLE_ERROR {e}', file=sys.stderr)
    sys.exit(3)
