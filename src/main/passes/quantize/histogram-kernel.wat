;; The calibration histogram's inner loops (assembled into histogram-kernel.ts's KERNEL_WASM;
;; test/quantize/histogram-kernel.test.ts checks the two agree). Memory layout:
;;   [0, 8196)     bin counts, i32[2049]: 2048 bins plus the range edge at 8192
;;   8196, 8200    the last range()'s minimum and maximum (f32)
;;   16384 ...     values (scratch and the buffers ONNX Runtime writes into)
(module
  (import "env" "memory" (memory 1))

  ;; min and max of f32[p, end), four lanes at a time; a NaN anywhere makes both NaN.
  (func (export "range") (param $p i32) (param $end i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $stop i32) (local $x f32) (local $l f32) (local $h f32)
    (local.set $lo (v128.const f32x4 inf inf inf inf))
    (local.set $hi (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $stop (i32.sub (local.get $end) (i32.and (i32.sub (local.get $end) (local.get $p)) (i32.const 15))))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $lo (f32x4.min (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.max (local.get $hi) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $quad)))
    (local.set $l (f32.min (f32.min (f32x4.extract_lane 0 (local.get $lo)) (f32x4.extract_lane 1 (local.get $lo)))
                           (f32.min (f32x4.extract_lane 2 (local.get $lo)) (f32x4.extract_lane 3 (local.get $lo)))))
    (local.set $h (f32.max (f32.max (f32x4.extract_lane 0 (local.get $hi)) (f32x4.extract_lane 1 (local.get $hi)))
                           (f32.max (f32x4.extract_lane 2 (local.get $hi)) (f32x4.extract_lane 3 (local.get $hi)))))
    (block $done1
      (loop $one
        (br_if $done1 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (f32.load (local.get $p)))
        (local.set $l (f32.min (local.get $l) (local.get $x)))
        (local.set $h (f32.max (local.get $h) (local.get $x)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $one)))
    (f32.store (i32.const 8196) (local.get $l))
    (f32.store (i32.const 8200) (local.get $h)))

  ;; Count |x| of f32[p, end) into bin floor(|x| * perBin) when |x| < limit, at the edge slot
  ;; (8192) when finite and not below it; returns how many were NaN/Inf. The product and the
  ;; comparison are in f64, as JavaScript computes them, so bins match the JS definition exactly.
  (func (export "bin") (param $p i32) (param $end i32) (param $limit f64) (param $perBin f64) (result i32)
    (local $a f64) (local $i i32) (local $bad i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; No branch for zeros (half of a ReLU's output, scattered): it would mispredict more than
        ;; the store-to-load chain on bin 0 costs (MobileNetV2's values: 3.6 ns with one, 1.8 without).
        (local.set $a (f64.promote_f32 (f32.abs (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (if (f64.lt (local.get $a) (local.get $limit))
          (then
            (local.set $i (i32.shl (i32.trunc_f64_u (f64.mul (local.get $a) (local.get $perBin))) (i32.const 2)))
            (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1))))
          (else
            (if (f64.eq (f64.sub (local.get $a) (local.get $a)) (f64.const 0))
              (then (i32.store (i32.const 8192) (i32.add (i32.load (i32.const 8192)) (i32.const 1))))
              (else (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))))
        (br $next)))
    (local.get $bad))

  ;; bin's counting and range's min/max in one pass, for the usual sample whose values all fall
  ;; inside the histogram's current range: bins |x| < limit, stores min and max as range does
  ;; (over every value), returns how many were left unbinned (outside the range, NaN or Inf).
  (func (export "scan") (param $p i32) (param $end i32) (param $limit f64) (param $perBin f64) (result i32)
    (local $v f32) (local $a f64) (local $i i32) (local $left i32) (local $lo f32) (local $hi f32)
    (local.set $lo (f32.const inf))
    (local.set $hi (f32.const -inf))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (f32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $lo (select (local.get $v) (local.get $lo) (f32.lt (local.get $v) (local.get $lo))))
        (local.set $hi (select (local.get $v) (local.get $hi) (f32.gt (local.get $v) (local.get $hi))))
        (local.set $a (f64.promote_f32 (f32.abs (local.get $v))))
        (if (f64.lt (local.get $a) (local.get $limit))
          (then
            (local.set $i (i32.shl (i32.trunc_f64_u (f64.mul (local.get $a) (local.get $perBin))) (i32.const 2)))
            (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1))))
          (else (local.set $left (i32.add (local.get $left) (i32.const 1)))))
        (br $next)))
    (f32.store (i32.const 8196) (local.get $lo))
    (f32.store (i32.const 8200) (local.get $hi))
    (local.get $left))
)
