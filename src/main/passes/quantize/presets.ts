// Target presets: which int8 type pair and weight range each runtime wants, and the host
// CPU's own preset read from /proc/cpuinfo (VNNI, AVX2 or ARM).
import { readFileSync } from 'node:fs';
import os from 'node:os';

export type QuantTarget = 'x86-vnni' | 'x86-avx2' | 'arm' | 'tensorrt';
export type ActivationType = 'uint8' | 'int8';

export interface TargetPreset {
  target: QuantTarget;
  activationType: ActivationType;
  activationSymmetric: boolean;
  /** 7-bit weights: avoids the U8S8 saturation of VPMADDUBSW on AVX2 without VNNI. */
  reduceRange: boolean;
  why: string;
}

export const PRESETS: Record<QuantTarget, TargetPreset> = {
  'x86-vnni': {
    target: 'x86-vnni', activationType: 'uint8', activationSymmetric: false, reduceRange: false,
    why: 'uint8 activations x int8 weights (U8S8); VNNI accumulates without saturation.',
  },
  'x86-avx2': {
    target: 'x86-avx2', activationType: 'uint8', activationSymmetric: false, reduceRange: true,
    why: 'U8S8 with 7-bit weights (reduce_range): AVX2 without VNNI multiplies through VPMADDUBSW, which saturates int16 sums of full-range int8 weights.',
  },
  arm: {
    target: 'arm', activationType: 'int8', activationSymmetric: false, reduceRange: false,
    why: 'int8 activations x int8 weights (S8S8), the fast path of ARM NEON/dot-product kernels.',
  },
  tensorrt: {
    target: 'tensorrt', activationType: 'int8', activationSymmetric: true, reduceRange: false,
    why: 'symmetric int8 QDQ on activations and weights, zero points 0, as TensorRT expects.',
  },
};

export interface HostCpu {
  model: string;
  arch: string;
  vnni: boolean;
  avx2: boolean;
  target: QuantTarget;
}

/** Preset for a CPU from its /proc/cpuinfo text and architecture. */
export function targetForCpu(cpuinfo: string, arch: string): QuantTarget {
  if (arch === 'arm64' || arch === 'arm' || /\baarch64\b/.test(cpuinfo)) return 'arm';
  const flags = new Set((cpuinfo.match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
  if (flags.has('avx512_vnni') || flags.has('avx_vnni')) return 'x86-vnni';
  return 'x86-avx2';
}

export function detectHostCpu(): HostCpu {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: fall back to the architecture alone (AVX2 is the safe x86 assumption).
  }
  const flags = new Set((info.match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
  const target = targetForCpu(info, os.arch());
  return {
    model: os.cpus()[0]?.model ?? 'unknown CPU',
    arch: os.arch(),
    vnni: flags.has('avx512_vnni') || flags.has('avx_vnni'),
    avx2: flags.has('avx2'),
    target,
  };
}
