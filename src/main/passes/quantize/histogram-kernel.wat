;; The calibration histogram's inner loops (assembled into histogram-kernel.ts's KERNEL_WASM;
;; test/quantize/histogram-kernel.test.ts checks the two agree). Memory layout:
;;   [0, 32784)    bin counts: four sub-histograms of i32[2049] (8196 bytes apart): 2048 bins and
;;                 a slot 2048 for values left unbinned (outside the range, NaN, Inf, padding)
;;   32784, 32788  the last range()'s or scan()'s minimum and maximum (f32)
;;   65536 ...     values (a scratch area the caller copies them into)
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
    (f32.store (i32.const 32784) (local.get $l))
    (f32.store (i32.const 32788) (local.get $h)))

;; Both binning loops take four values at a time, whole quads only (the caller pads the last one with
;; NaN, which lands in the unbinned slot), and count lane k into sub-histogram k: a run of equal
;; bins (the zeros after a ReLU) then makes four short chains of load-add-store on one counter,
;; not one long one. Bins are floor(|x| * perBin) with the product in f64, as JavaScript computes
;; it, clamped to 2047: a value whose product rounds up to 2048 belongs in the last bin. (The
;; index arithmetic is written out in both loops: V8 does not inline WebAssembly calls.)

  ;; Count |x| of f32[p, end) (end - p a multiple of 16), finite values at or above `limit` in the
  ;; last bin; NaN and Inf go to the unbinned slot.
  (func (export "bin") (param $p i32) (param $end i32) (param $limit f64) (param $perBin f64)
    (local $a v128) (local $scale v128) (local $idx v128) (local $at i32)
    (local.set $scale (f64x2.splat (local.get $perBin)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (f32x4.abs (v128.load align=4 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $idx (i32x4.min_u
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $a)) (local.get $scale)))
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))) (local.get $scale))))
          (v128.const i32x4 2047 2047 2047 2047)))
        ;; |x| < Inf is false for NaN and Inf only.
        (local.set $idx (v128.bitselect (local.get $idx) (v128.const i32x4 2048 2048 2048 2048)
          (f32x4.lt (local.get $a) (v128.const f32x4 inf inf inf inf))))
        (local.set $idx (i32x4.add (i32x4.shl (local.get $idx) (i32.const 2)) (v128.const i32x4 0 8196 16392 24588)))
        (local.set $at (i32x4.extract_lane 0 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32x4.extract_lane 1 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32x4.extract_lane 2 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32x4.extract_lane 3 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (br $next))))

  ;; bin's counting and a min/max in one pass, for the usual sample whose values all fall inside
  ;; the histogram's current range: values with |x| < limit are binned, the others (outside, NaN,
  ;; Inf) go to the unbinned slot, which the caller reads to refuse the sample. The min and max
  ;; skip NaN; they are stored as range() stores its own.
  (func (export "scan") (param $p i32) (param $end i32) (param $limit f64) (param $perBin f64)
    (local $v v128) (local $a v128) (local $lo v128) (local $hi v128) (local $scale v128) (local $bound v128)
    (local $a0 v128) (local $a1 v128) (local $idx v128) (local $at i32) (local $l f32) (local $h f32)
    (local.set $scale (f64x2.splat (local.get $perBin)))
    (local.set $bound (f64x2.splat (local.get $limit)))
    (local.set $lo (v128.const f32x4 inf inf inf inf))
    (local.set $hi (v128.const f32x4 -inf -inf -inf -inf))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        ;; pmin/pmax keep the earlier value on ties and on NaN, like the scalar (v < lo ? v : lo).
        (local.set $lo (f32x4.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.pmax (local.get $hi) (local.get $v)))
        (local.set $a (f32x4.abs (local.get $v)))
        (local.set $a0 (f64x2.promote_low_f32x4 (local.get $a)))
        (local.set $a1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (local.set $idx (i32x4.min_u
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a0) (local.get $scale)))
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a1) (local.get $scale))))
          (v128.const i32x4 2047 2047 2047 2047)))
        ;; The f64 comparisons' 64-bit masks narrowed to one 32-bit mask per value.
        (local.set $idx (v128.bitselect (local.get $idx) (v128.const i32x4 2048 2048 2048 2048)
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (f64x2.lt (local.get $a0) (local.get $bound)) (f64x2.lt (local.get $a1) (local.get $bound)))))
        (local.set $idx (i32x4.add (i32x4.shl (local.get $idx) (i32.const 2)) (v128.const i32x4 0 8196 16392 24588)))
        (local.set $at (i32x4.extract_lane 0 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32x4.extract_lane 1 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32x4.extract_lane 2 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32x4.extract_lane 3 (local.get $idx)))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (br $next)))
    (local.set $l (f32x4.extract_lane 0 (local.get $lo)))
    (local.set $l (select (f32x4.extract_lane 1 (local.get $lo)) (local.get $l) (f32.lt (f32x4.extract_lane 1 (local.get $lo)) (local.get $l))))
    (local.set $l (select (f32x4.extract_lane 2 (local.get $lo)) (local.get $l) (f32.lt (f32x4.extract_lane 2 (local.get $lo)) (local.get $l))))
    (local.set $l (select (f32x4.extract_lane 3 (local.get $lo)) (local.get $l) (f32.lt (f32x4.extract_lane 3 (local.get $lo)) (local.get $l))))
    (local.set $h (f32x4.extract_lane 0 (local.get $hi)))
    (local.set $h (select (f32x4.extract_lane 1 (local.get $hi)) (local.get $h) (f32.gt (f32x4.extract_lane 1 (local.get $hi)) (local.get $h))))
    (local.set $h (select (f32x4.extract_lane 2 (local.get $hi)) (local.get $h) (f32.gt (f32x4.extract_lane 2 (local.get $hi)) (local.get $h))))
    (local.set $h (select (f32x4.extract_lane 3 (local.get $hi)) (local.get $h) (f32.gt (f32x4.extract_lane 3 (local.get $hi)) (local.get $h))))
    (f32.store (i32.const 32784) (local.get $l))
    (f32.store (i32.const 32788) (local.get $h)))
)
