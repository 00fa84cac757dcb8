;; tar-ls-du's `rclone ls` hot loop, compiled (see rclone-ls-scanner.ts). Takes the lines of
;; a chunk in wasm memory while each is a plain `SIZE PATH` line: spaces, 1-15 digits, one
;; space, a path holding no `\` or CR and not ending in `/`. A line in the previous line's
;; directory (its prefix compared 16 bytes at a time) must have a name that sorts after the
;; previous name (so the tree can append it without a lookup); a line in another directory
;; is marked for the caller (which interns that directory) and becomes the current one.
;; Line i's name is copied to $names (packed), its end offset (from $names) stored at
;; $ends[i], its size (f64) at $sizes[i], and at $marks[2i], $marks[2i+1]: -1, or where its
;; path starts and where its last `/` is (-1: none) when its directory is not the previous
;; line's. Stops before the first line it does not take (the JavaScript parser takes that
;; one) or where no complete line is left; returns that position, `count()` lines taken.
;; The caller keeps 16 readable bytes after $end (the vector loads read past it).

(module
  (memory (export "memory") 1)
  (global $count (mut i32) (i32.const 0))
  (func (export "count") (result i32) (global.get $count))

  ;; Whether $a[0, $n) and $b[0, $n) hold the same bytes.
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32)
    (if (i32.lt_u (local.get $n) (i32.const 16))
      (then
        (loop $byte
          (if (i32.ge_u (local.get $i) (local.get $n)) (then (return (i32.const 1))))
          (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i))) (i32.load8_u (i32.add (local.get $b) (local.get $i))))
            (then (return (i32.const 0))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $byte))))
    (loop $block
      (if (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n))
        (then
          ;; the last, overlapping 16 bytes
          (local.set $i (i32.sub (local.get $n) (i32.const 16)))
          (return (i8x16.all_true (i8x16.eq (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i))))))))
      (if (i32.eqz (i8x16.all_true (i8x16.eq (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i))))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $block))
    (i32.const 0))

  ;; Whether $a[0, $an) sorts strictly after $b[0, $bn) in byte order.
  (func $after (param $a i32) (param $an i32) (param $b i32) (param $bn i32) (result i32)
    (local $i i32) (local $n i32) (local $x i32) (local $y i32)
    (local.set $n (select (local.get $an) (local.get $bn) (i32.lt_u (local.get $an) (local.get $bn))))
    (loop $byte
      (if (i32.ge_u (local.get $i) (local.get $n)) (then (return (i32.gt_u (local.get $an) (local.get $bn)))))
      (local.set $x (i32.load8_u (i32.add (local.get $a) (local.get $i))))
      (local.set $y (i32.load8_u (i32.add (local.get $b) (local.get $i))))
      (if (i32.ne (local.get $x) (local.get $y)) (then (return (i32.gt_u (local.get $x) (local.get $y)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $byte))
    (i32.const 0))

;; $last < 0: the directory has no file yet (any name is in order).
  (func (export "scan") (param $p i32) (param $end i32) (param $dir i32) (param $dirLen i32)
      (param $last i32) (param $lastLen i32) (param $names i32) (param $sizes i32) (param $ends i32) (param $marks i32) (result i32)
    (local $q i32) (local $c i32) (local $digits i32) (local $size i64) (local $ps i32) (local $ns i32) (local $len i32)
    (local $o i32) (local $n i32) (local $m i32) (local $v v128) (local $slash i32) (local $mark i32)
    (local.set $o (local.get $names))
    (block $stop
      (loop $line
        (local.set $q (local.get $p))
        (block $spaces
          (loop $space
            (br_if $spaces (i32.ge_u (local.get $q) (local.get $end)))
            (br_if $spaces (i32.ne (i32.load8_u (local.get $q)) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $space)))
        (local.set $digits (local.get $q))
        (local.set $size (i64.const 0))
        (block $number
          (loop $digit
            (br_if $number (i32.ge_u (local.get $q) (local.get $end)))
            (local.set $c (i32.sub (i32.load8_u (local.get $q)) (i32.const 48)))
            (br_if $number (i32.gt_u (local.get $c) (i32.const 9)))
            (local.set $size (i64.add (i64.mul (local.get $size) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $digit)))
        (local.set $c (i32.sub (local.get $q) (local.get $digits)))
        (br_if $stop (i32.eqz (local.get $c)))
        (br_if $stop (i32.gt_u (local.get $c) (i32.const 15)))
        (br_if $stop (i32.ge_u (local.get $q) (local.get $end)))
        (br_if $stop (i32.ne (i32.load8_u (local.get $q)) (i32.const 32)))
        (local.set $ps (i32.add (local.get $q) (i32.const 1)))
        (local.set $mark (i32.const -1))
        (block $named
          ;; the current directory's prefix, then a name up to the newline holding no `/`
          (if (i32.le_u (i32.add (local.get $ps) (local.get $dirLen)) (local.get $end))
            (then
              (if (call $same (local.get $ps) (local.get $dir) (local.get $dirLen))
                (then
                  (local.set $ns (i32.add (local.get $ps) (local.get $dirLen)))
                  (local.set $q (call $special (local.get $ns) (local.get $end)))
                  (br_if $stop (i32.ge_u (local.get $q) (local.get $end)))
                  (br_if $named (i32.eq (i32.load8_u (local.get $q)) (i32.const 10)))))))
          ;; another directory: the whole path, its last `/` noted
          (local.set $slash (i32.const -1))
          (local.set $q (local.get $ps))
          (loop $part
            (local.set $q (call $special (local.get $q) (local.get $end)))
            (br_if $stop (i32.ge_u (local.get $q) (local.get $end)))
            (if (i32.eq (i32.load8_u (local.get $q)) (i32.const 47))
              (then
                (local.set $slash (local.get $q))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $part))))
          (br_if $stop (i32.ne (i32.load8_u (local.get $q)) (i32.const 10)))
          (local.set $mark (local.get $ps))
          (local.set $dir (local.get $ps))
          ;; a path without `/` is a name in the root (an empty prefix)
          (local.set $ns (select (local.get $ps) (i32.add (local.get $slash) (i32.const 1)) (i32.lt_s (local.get $slash) (i32.const 0))))
          (local.set $dirLen (i32.sub (local.get $ns) (local.get $ps)))
          (local.set $last (i32.const -1)))
        ;; $q: the newline after the name
        (local.set $len (i32.sub (local.get $q) (local.get $ns)))
        (br_if $stop (i32.eqz (local.get $len)))
        (if (i32.ge_s (local.get $last) (i32.const 0))
          (then (br_if $stop (i32.eqz (call $after (local.get $ns) (local.get $len) (local.get $last) (local.get $lastLen))))))
        ;; taken
        (memory.copy (local.get $o) (local.get $ns) (local.get $len))
        (local.set $last (local.get $o))
        (local.set $lastLen (local.get $len))
        (local.set $o (i32.add (local.get $o) (local.get $len)))
        (i32.store (i32.add (local.get $ends) (i32.shl (local.get $n) (i32.const 2))) (i32.sub (local.get $o) (local.get $names)))
        (f64.store (i32.add (local.get $sizes) (i32.shl (local.get $n) (i32.const 3))) (f64.convert_i64_u (local.get $size)))
        (i32.store (i32.add (local.get $marks) (i32.shl (local.get $n) (i32.const 3))) (local.get $mark))
        (i32.store (i32.add (local.get $marks) (i32.add (i32.shl (local.get $n) (i32.const 3)) (i32.const 4))) (local.get $slash))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $p (i32.add (local.get $q) (i32.const 1)))
        (br $line)))
    (global.set $count (local.get $n))
    (local.get $p))

  ;; The first newline, `/`, `\` or CR at or after $q, 16 bytes at a time; $end or beyond if none before $end.
  (func $special (param $q i32) (param $end i32) (result i32)
    (local $v v128) (local $m i32)
    (loop $seek
      (if (i32.ge_u (local.get $q) (local.get $end)) (then (return (local.get $q))))
      (local.set $v (v128.load (local.get $q)))
      (local.set $m (i8x16.bitmask (v128.or
        (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 47))))
        (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 92))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 13)))))))
      (if (local.get $m) (then (return (i32.add (local.get $q) (i32.ctz (local.get $m))))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $seek))
    (local.get $q))
)
