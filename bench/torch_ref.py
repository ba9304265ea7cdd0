"""PyTorch side of `npm run bench train` (bench-only, never used at run time).

Trains the same architectures as bench/train-models.ts (Adam, cross-entropy, batch statistics
in BatchNorm) on the raw float32 samples and int64 labels the bench wrote, and prints one JSON
line: {"samplesPerSec": ..., "steps": ...}. Timing starts after `--warmup` steps, like Whittle's.
The bench starts a fresh process per measurement. --version prints {"torch": ...} and exits.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


def make_divisible(v, divisor=8):
    rounded = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def conv_bn(cin, cout, k, stride=1, groups=1, act=None):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, t):
        super().__init__()
        hidden = int(round(cin * t))
        layers = conv_bn(cin, hidden, 1, act=nn.ReLU6) if t != 1 else []
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6)
        layers += conv_bn(hidden, cout, 1)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def mobilenetv2(width, classes=10):
    stages = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    cin = make_divisible(32 * width)
    layers = conv_bn(3, cin, 3, 2, act=nn.ReLU6)
    for t, c, n, s in stages:
        cout = make_divisible(c * width)
        for i in range(n):
            layers.append(InvertedResidual(cin, cout, s if i == 0 else 1, t))
            cin = cout
    last = make_divisible(1280 * max(1.0, width))
    layers += conv_bn(cin, last, 1, act=nn.ReLU6)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(last, classes)]
    return nn.Sequential(*layers)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(cin, cout, 3, stride, act=nn.ReLU), *conv_bn(cout, cout, 3))
        self.shortcut = nn.Sequential(*conv_bn(cin, cout, 1, stride)) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


def resnet_small(base=16, classes=10):
    layers = conv_bn(3, base, 3, act=nn.ReLU)
    cin = base
    for i, c in enumerate([base, base * 2, base * 4]):
        layers.append(BasicBlock(cin, c, 2 if i > 0 else 1))
        cin = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def bn_cnn(channels=(32, 32, 64, 64)):
    layers, cin, size = [], 1, 28
    for i, c in enumerate(channels):
        layers += conv_bn(cin, c, 3, act=nn.ReLU)
        cin = c
        if i % 2 == 1:
            layers.append(nn.MaxPool2d(2))
            size //= 2
    layers += [nn.Flatten(), nn.Linear(cin * size * size, 10)]
    return nn.Sequential(*layers)


MODELS = {
    "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)),
    "lenet5": lambda: nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)),
    "bncnn": bn_cnn,
    "mobilenetv2": lambda: mobilenetv2(0.5),
    "resnet": resnet_small,
}


def measure(model_key, threads, inputs, labels, shape, steps, warmup=3, batch=64):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x_all = torch.from_numpy(np.fromfile(inputs, dtype=np.float32).reshape(-1, *shape))
    y_all = torch.from_numpy(np.fromfile(labels, dtype=np.int64))
    model = MODELS[model_key]()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(x_all.shape[0], generator=torch.Generator().manual_seed(1))
    started = None
    for step in range(warmup + steps):
        if step == warmup:
            started = time.perf_counter()
        idx = order[(step * batch) % (x_all.shape[0] - batch + 1):][:batch]
        xb, yb = x_all[idx], y_all[idx]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        loss.item()
    seconds = time.perf_counter() - started
    return {"samplesPerSec": steps * batch / seconds, "steps": steps, "loss": float(loss.item())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", action="store_true")
    ap.add_argument("--model", choices=sorted(MODELS))
    ap.add_argument("--threads", type=int)
    ap.add_argument("--inputs")
    ap.add_argument("--labels")
    ap.add_argument("--shape", help="sample shape, e.g. 1,28,28")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    if args.version:
        print(json.dumps({"torch": torch.__version__}))
        return
    shape = [int(s) for s in args.shape.split(",")]
    print(json.dumps(measure(args.model, args.threads, args.inputs, args.labels, shape, args.steps, args.warmup, args.batch)))


if __name__ == "__main__":
    main()
