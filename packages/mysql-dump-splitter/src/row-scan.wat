;; The splitter's hot loop, compiled (see row-scanner.ts): walks the row lines of a table's
;; data in wasm memory, finding newlines 16 bytes at a time, and stops at the first line that
;; is not a row line, or after a row whose hash makes it a cut point (row-hash.ts's rule, the
;; same arithmetic: i32 wrap-around multiplies, the threshold in f64), or where no complete
;; line is left. The caller keeps 16 readable bytes after `end` (the vector loads read past it).

(module
  (memory (export "memory") 1)
  ;; lines consumed by the last scan, and why it stopped: 0 no complete line at the returned
  ;; position, 1 the line there is not a plain row line, 2 the line ending there is a cut point
  (global $lines (mut i32) (i32.const 0))
  (global $stop (mut i32) (i32.const 0))
  (func (export "lines") (result i32) (global.get $lines))
  (func (export "stop") (result i32) (global.get $stop))
  ;; the open group's byte count after the last regroup scan
  (global $groupBytes (mut i32) (i32.const 0))
  (func (export "groupBytes") (result i32) (global.get $groupBytes))

  ;; The next newline at or after $i, or $end if none comes before $end.
  (func $newline (param $i i32) (param $end i32) (result i32)
    (local $m i32)
    (loop $seek
      (if (i32.ge_s (local.get $i) (local.get $end)) (then (return (local.get $end))))
      (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 10)))))
      (if (local.get $m)
        (then
          (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
          (if (i32.gt_s (local.get $i) (local.get $end)) (then (return (local.get $end))))
          (return (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $seek))
    (local.get $end))

  ;; regroup.ts, inside a statement and an open group: passes row lines `(...),` (one row per
  ;; line, as MariaDB writes them) that do not end the group (row-hash.ts's rule with the
  ;; group target, or the group reaching $max bytes); stops before any other line (stop 1,
  ;; the JavaScript path takes it) or where no complete line is left (stop 0).
  (func (export "group") (param $pos i32) (param $end i32) (param $target f64) (param $max i32) (param $bytes i32) (result i32)
    (local $nl i32) (local $len i32) (local $n i32) (local $after i32) (local $h i32) (local $bound f64)
    (local.set $bound (f64.mul (f64.div (f64.const 4294967296) (local.get $target)) (f64.const 1.000001)))
    (block $out
      (loop $line
        (local.set $nl (call $newline (local.get $pos) (local.get $end)))
        (if (i32.ge_s (local.get $nl) (local.get $end)) (then (global.set $stop (i32.const 0)) (br $out)))
        (global.set $stop (i32.const 1))
        (br_if $out (i32.ne (i32.load8_u (local.get $pos)) (i32.const 0x28)))
        (br_if $out (i32.lt_s (local.get $nl) (i32.add (local.get $pos) (i32.const 3))))
        (br_if $out (i32.ne (i32.load16_u (i32.sub (local.get $nl) (i32.const 2))) (i32.const 0x2c29)))
        ;; the row is the line without its ",\n"
        (local.set $len (i32.sub (i32.sub (local.get $nl) (i32.const 1)) (local.get $pos)))
        (local.set $after (i32.add (local.get $bytes) (i32.add (local.get $len) (i32.const 2))))
        (br_if $out (i32.ge_s (local.get $after) (local.get $max)))
        (local.set $h (call $rowHash (local.get $pos) (i32.add (local.get $pos) (local.get $len))))
        ;; most rows are far from a cut: a multiply rules them out before $cut's division (see scan)
        (if (f64.lt (f64.convert_i32_u (local.get $h)) (f64.mul (f64.convert_i32_u (local.get $len)) (local.get $bound)))
          (then (br_if $out (call $cut (local.get $h) (local.get $len) (local.get $target)))))
        (local.set $bytes (local.get $after))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $pos (i32.add (local.get $nl) (i32.const 1)))
        (br $line)))
    (global.set $lines (local.get $n))
    (global.set $groupBytes (local.get $bytes))
    (local.get $pos))

  (func $mix (param $h i32) (param $from i32) (param $to i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $from) (local.get $to)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $from))) (i32.const 0x01000193)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $h))

  ;; where row-hash.ts starts hashing: the row's '(' within its first 512 bytes, else its start
  (func $open (param $start i32) (param $end i32) (result i32)
    (local $open i32) (local $limit i32)
    (local.set $open (local.get $start))
    (if (i32.ne (i32.load8_u (local.get $start)) (i32.const 0x28))
      (then
        (local.set $limit (i32.add (local.get $start) (i32.const 512)))
        (if (i32.lt_s (local.get $end) (local.get $limit)) (then (local.set $limit (local.get $end))))
        (block $found
          (loop $seek
            (br_if $found (i32.ge_s (local.get $open) (local.get $limit)))
            (br_if $found (i32.eq (i32.load8_u (local.get $open)) (i32.const 0x28)))
            (local.set $open (i32.add (local.get $open) (i32.const 1)))
            (br $seek)))
        (if (i32.eq (local.get $open) (local.get $limit)) (then (local.set $open (local.get $start))))))
    (local.get $open))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))

  (func $max (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))

  (func $fmix (param $h i32) (result i32)
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; row-hash.ts rowHash(buf, start, end): FNV-style over the first 32 bytes from the '(' and
  ;; the last 16, seeded with the length, then a finaliser
  (func $rowHash (param $start i32) (param $end i32) (result i32)
    (local $open i32) (local $headEnd i32) (local $h i32)
    (local.set $open (call $open (local.get $start) (local.get $end)))
    (local.set $headEnd (call $min (local.get $end) (i32.add (local.get $open) (i32.const 32))))
    (local.set $h
      (call $mix (i32.xor (i32.const 0x811c9dc5) (i32.sub (local.get $end) (local.get $start))) (local.get $open) (local.get $headEnd)))
    (call $fmix
      (call $mix (local.get $h) (call $max (local.get $headEnd) (i32.sub (local.get $end) (i32.const 16))) (local.get $end))))

  ;; rowHash of four rows at once: each hash is a chain of dependent multiplies (latency-bound),
  ;; so four chains side by side take little longer than one. Results in $hash0..$hash3.
  (global $hash0 (mut i32) (i32.const 0))
  (global $hash1 (mut i32) (i32.const 0))
  (global $hash2 (mut i32) (i32.const 0))
  (global $hash3 (mut i32) (i32.const 0))
  (func $rowHash4 (param $s0 i32) (param $e0 i32) (param $s1 i32) (param $e1 i32)
    (param $s2 i32) (param $e2 i32) (param $s3 i32) (param $e3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $h0 i32) (local $h1 i32) (local $h2 i32) (local $h3 i32) (local $k i32) (local $n i32)
    (local.set $o0 (if (result i32) (i32.eq (i32.load8_u (local.get $s0)) (i32.const 0x28)) (then (local.get $s0)) (else (call $open (local.get $s0) (local.get $e0)))))
    (local.set $o1 (if (result i32) (i32.eq (i32.load8_u (local.get $s1)) (i32.const 0x28)) (then (local.get $s1)) (else (call $open (local.get $s1) (local.get $e1)))))
    (local.set $o2 (if (result i32) (i32.eq (i32.load8_u (local.get $s2)) (i32.const 0x28)) (then (local.get $s2)) (else (call $open (local.get $s2) (local.get $e2)))))
    (local.set $o3 (if (result i32) (i32.eq (i32.load8_u (local.get $s3)) (i32.const 0x28)) (then (local.get $s3)) (else (call $open (local.get $s3) (local.get $e3)))))
    (local.set $x0 (i32.add (local.get $o0) (i32.const 32)))
    (if (i32.lt_s (local.get $e0) (local.get $x0)) (then (local.set $x0 (local.get $e0))))
    (local.set $x1 (i32.add (local.get $o1) (i32.const 32)))
    (if (i32.lt_s (local.get $e1) (local.get $x1)) (then (local.set $x1 (local.get $e1))))
    (local.set $x2 (i32.add (local.get $o2) (i32.const 32)))
    (if (i32.lt_s (local.get $e2) (local.get $x2)) (then (local.set $x2 (local.get $e2))))
    (local.set $x3 (i32.add (local.get $o3) (i32.const 32)))
    (if (i32.lt_s (local.get $e3) (local.get $x3)) (then (local.set $x3 (local.get $e3))))
    (local.set $h0 (i32.xor (i32.const 0x811c9dc5) (i32.sub (local.get $e0) (local.get $s0))))
    (local.set $h1 (i32.xor (i32.const 0x811c9dc5) (i32.sub (local.get $e1) (local.get $s1))))
    (local.set $h2 (i32.xor (i32.const 0x811c9dc5) (i32.sub (local.get $e2) (local.get $s2))))
    (local.set $h3 (i32.xor (i32.const 0x811c9dc5) (i32.sub (local.get $e3) (local.get $s3))))
    ;; heads: [o, x)
    (local.set $n (call $min
      (call $min (i32.sub (local.get $x0) (local.get $o0)) (i32.sub (local.get $x1) (local.get $o1)))
      (call $min (i32.sub (local.get $x2) (local.get $o2)) (i32.sub (local.get $x3) (local.get $o3)))))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $h0 (i32.mul (i32.xor (local.get $h0) (i32.load8_u (i32.add (local.get $o0) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (i32.load8_u (i32.add (local.get $o1) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (i32.load8_u (i32.add (local.get $o2) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $h3 (i32.mul (i32.xor (local.get $h3) (i32.load8_u (i32.add (local.get $o3) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (if (i32.lt_s (i32.add (local.get $o0) (local.get $n)) (local.get $x0))
      (then (local.set $h0 (call $mix (local.get $h0) (i32.add (local.get $o0) (local.get $n)) (local.get $x0)))))
    (if (i32.lt_s (i32.add (local.get $o1) (local.get $n)) (local.get $x1))
      (then (local.set $h1 (call $mix (local.get $h1) (i32.add (local.get $o1) (local.get $n)) (local.get $x1)))))
    (if (i32.lt_s (i32.add (local.get $o2) (local.get $n)) (local.get $x2))
      (then (local.set $h2 (call $mix (local.get $h2) (i32.add (local.get $o2) (local.get $n)) (local.get $x2)))))
    (if (i32.lt_s (i32.add (local.get $o3) (local.get $n)) (local.get $x3))
      (then (local.set $h3 (call $mix (local.get $h3) (i32.add (local.get $o3) (local.get $n)) (local.get $x3)))))
    ;; tails: from max(x, e - 16) to e
    (local.set $o0 (i32.sub (local.get $e0) (i32.const 16)))
    (if (i32.lt_s (local.get $o0) (local.get $x0)) (then (local.set $o0 (local.get $x0))))
    (local.set $o1 (i32.sub (local.get $e1) (i32.const 16)))
    (if (i32.lt_s (local.get $o1) (local.get $x1)) (then (local.set $o1 (local.get $x1))))
    (local.set $o2 (i32.sub (local.get $e2) (i32.const 16)))
    (if (i32.lt_s (local.get $o2) (local.get $x2)) (then (local.set $o2 (local.get $x2))))
    (local.set $o3 (i32.sub (local.get $e3) (i32.const 16)))
    (if (i32.lt_s (local.get $o3) (local.get $x3)) (then (local.set $o3 (local.get $x3))))
    (local.set $n (call $min
      (call $min (i32.sub (local.get $e0) (local.get $o0)) (i32.sub (local.get $e1) (local.get $o1)))
      (call $min (i32.sub (local.get $e2) (local.get $o2)) (i32.sub (local.get $e3) (local.get $o3)))))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $h0 (i32.mul (i32.xor (local.get $h0) (i32.load8_u (i32.add (local.get $o0) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (i32.load8_u (i32.add (local.get $o1) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (i32.load8_u (i32.add (local.get $o2) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $h3 (i32.mul (i32.xor (local.get $h3) (i32.load8_u (i32.add (local.get $o3) (local.get $k)))) (i32.const 0x01000193)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (global.set $hash0 (call $fmix (call $mix (local.get $h0) (i32.add (local.get $o0) (local.get $n)) (local.get $e0))))
    (global.set $hash1 (call $fmix (call $mix (local.get $h1) (i32.add (local.get $o1) (local.get $n)) (local.get $e1))))
    (global.set $hash2 (call $fmix (call $mix (local.get $h2) (i32.add (local.get $o2) (local.get $n)) (local.get $e2))))
    (global.set $hash3 (call $fmix (call $mix (local.get $h3) (i32.add (local.get $o3) (local.get $n)) (local.get $e3)))))

  ;; row-hash.ts isCutPoint: hash < (length / target) * 2^32
  (func $cut (param $hash i32) (param $length i32) (param $target f64) (result i32)
    (f64.lt
      (f64.convert_i32_u (local.get $hash))
      (f64.mul (f64.div (f64.convert_i32_u (local.get $length)) (local.get $target)) (f64.const 4294967296))))

  ;; sections.ts isRowLine, for a line [pos, nl] (nl its newline): 1 a row line, 0 not (or not
  ;; sure: a line refused here goes to the JavaScript path, which decides)
  (func $rowLine (param $pos i32) (param $nl i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $pos)))
    (if (i32.eq (local.get $c) (i32.const 0x28)) (then (return (i32.const 1))))
    (if (i32.eq (local.get $c) (i32.const 0x49))
      (then
        ;; "NSERT " at pos+1: a shorter line fails at its newline first
        (return (i32.and
          (i32.eq (i32.load (i32.add (local.get $pos) (i32.const 1))) (i32.const 0x5245534e))
          (i32.eq (i32.load16_u (i32.add (local.get $pos) (i32.const 5))) (i32.const 0x2054))))))
    (if (i32.eq (local.get $c) (i32.const 0x52))
      (then
        ;; shorter than 8 bytes: the JavaScript test reads into the next line
        (if (i32.lt_s (local.get $nl) (i32.add (local.get $pos) (i32.const 7))) (then (return (i32.const 0))))
        (return (i32.and
          (i32.eq (i32.load (i32.add (local.get $pos) (i32.const 1))) (i32.const 0x414c5045))
          (i32.eq (i32.load8_u (i32.add (local.get $pos) (i32.const 7))) (i32.const 0x20))))))
    (i32.const 0))

  ;; sections.ts endsRow: the last byte before the line break ([pos, nl], nl the newline) is ',' or ';'
  (func $endsRow (param $pos i32) (param $nl i32) (result i32)
    (local $c i32)
    (block $trimmed
      (loop $trim
        (br_if $trimmed (i32.le_s (local.get $nl) (local.get $pos)))
        (local.set $c (i32.load8_u (local.get $nl)))
        (br_if $trimmed (i32.and (i32.ne (local.get $c) (i32.const 10)) (i32.ne (local.get $c) (i32.const 13))))
        (local.set $nl (i32.sub (local.get $nl) (i32.const 1)))
        (br $trim)))
    (local.set $c (i32.load8_u (local.get $nl)))
    (i32.or (i32.eq (local.get $c) (i32.const 0x3b)) (i32.eq (local.get $c) (i32.const 0x2c))))

  ;; Rows that may be cuts wait, up to four, and are hashed side by side; the first cut among
  ;; them ends the scan after it (the lines after it are scanned again by the next call).
  (func (export "scan") (param $pos i32) (param $end i32) (param $target f64) (result i32)
    (local $nl i32) (local $lineEnd i32) (local $n i32) (local $q i32) (local $m i32) (local $c i32)
    ;; the waiting rows [s, e) and the line count up to each; $q of them
    (local $s0 i32) (local $e0 i32) (local $n0 i32)
    (local $s1 i32) (local $e1 i32) (local $n1 i32)
    (local $s2 i32) (local $e2 i32) (local $n2 i32)
    (local $s3 i32) (local $e3 i32) (local $n3 i32)
    ;; $cut divides; most rows are far from a cut, so a multiply by a bound a little above
    ;; 2^32 / target (rounding errors are ~1e-16, the margin 1e-6) rules them out first
    (local $bound f64)
    (local.set $bound (f64.mul (f64.div (f64.const 4294967296) (local.get $target)) (f64.const 1.000001)))
    (block $out
      (loop $line
        ;; $newline and the common cases of $rowLine and $endsRow, written out (no calls per row)
        (local.set $nl (local.get $pos))
        (block $found
          (loop $seek
            (if (i32.ge_s (local.get $nl) (local.get $end)) (then (global.set $stop (i32.const 0)) (br $out)))
            (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $nl)) (i8x16.splat (i32.const 10)))))
            (if (local.get $m) (then (local.set $nl (i32.add (local.get $nl) (i32.ctz (local.get $m)))) (br $found)))
            (local.set $nl (i32.add (local.get $nl) (i32.const 16)))
            (br $seek)))
        (if (i32.ge_s (local.get $nl) (local.get $end)) (then (global.set $stop (i32.const 0)) (br $out)))
        (if (i32.ne (i32.load8_u (local.get $pos)) (i32.const 0x28))
          (then
            (if (i32.ne (call $rowLine (local.get $pos) (local.get $nl)) (i32.const 1))
              (then (global.set $stop (i32.const 1)) (br $out)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $lineEnd (i32.add (local.get $nl) (i32.const 1)))
        ;; the byte before the newline: ',' or ';' ends a row; a CR needs the full rule
        (local.set $c (i32.load8_u (i32.sub (local.get $nl) (i32.const 1))))
        (if (i32.or (i32.eq (local.get $c) (i32.const 13)) (i32.le_s (local.get $nl) (local.get $pos)))
          (then (local.set $c (select (i32.const 0x2c) (i32.const 0) (call $endsRow (local.get $pos) (local.get $nl))))))
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x2c)) (i32.eq (local.get $c) (i32.const 0x3b)))
          (then
            (if (i32.eqz (local.get $q))
              (then (local.set $s0 (local.get $pos)) (local.set $e0 (local.get $lineEnd)) (local.set $n0 (local.get $n)))
              (else (if (i32.eq (local.get $q) (i32.const 1))
                (then (local.set $s1 (local.get $pos)) (local.set $e1 (local.get $lineEnd)) (local.set $n1 (local.get $n)))
                (else (if (i32.eq (local.get $q) (i32.const 2))
                  (then (local.set $s2 (local.get $pos)) (local.set $e2 (local.get $lineEnd)) (local.set $n2 (local.get $n)))
                  (else (local.set $s3 (local.get $pos)) (local.set $e3 (local.get $lineEnd)) (local.set $n3 (local.get $n))))))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (if (i32.eq (local.get $q) (i32.const 4))
              (then
                (local.set $q (i32.const 0))
                (call $rowHash4 (local.get $s0) (local.get $e0) (local.get $s1) (local.get $e1)
                  (local.get $s2) (local.get $e2) (local.get $s3) (local.get $e3))
                (global.set $stop (i32.const 2))
                (if (f64.lt (f64.convert_i32_u (global.get $hash0)) (f64.mul (f64.convert_i32_u (i32.sub (local.get $e0) (local.get $s0))) (local.get $bound)))
                  (then (if (call $cut (global.get $hash0) (i32.sub (local.get $e0) (local.get $s0)) (local.get $target))
                    (then (local.set $pos (local.get $e0)) (local.set $n (local.get $n0)) (br $out)))))
                (if (f64.lt (f64.convert_i32_u (global.get $hash1)) (f64.mul (f64.convert_i32_u (i32.sub (local.get $e1) (local.get $s1))) (local.get $bound)))
                  (then (if (call $cut (global.get $hash1) (i32.sub (local.get $e1) (local.get $s1)) (local.get $target))
                    (then (local.set $pos (local.get $e1)) (local.set $n (local.get $n1)) (br $out)))))
                (if (f64.lt (f64.convert_i32_u (global.get $hash2)) (f64.mul (f64.convert_i32_u (i32.sub (local.get $e2) (local.get $s2))) (local.get $bound)))
                  (then (if (call $cut (global.get $hash2) (i32.sub (local.get $e2) (local.get $s2)) (local.get $target))
                    (then (local.set $pos (local.get $e2)) (local.set $n (local.get $n2)) (br $out)))))
                (if (f64.lt (f64.convert_i32_u (global.get $hash3)) (f64.mul (f64.convert_i32_u (i32.sub (local.get $e3) (local.get $s3))) (local.get $bound)))
                  (then (if (call $cut (global.get $hash3) (i32.sub (local.get $e3) (local.get $s3)) (local.get $target))
                    (then (local.set $pos (local.get $e3)) (local.set $n (local.get $n3)) (br $out)))))))))
        (local.set $pos (local.get $lineEnd))
        (br $line)))
    ;; rows still waiting, in order: the first that is a cut ends the scan after it
    (block $resolved
      (br_if $resolved (i32.eqz (local.get $q)))
      (if (call $cut (call $rowHash (local.get $s0) (local.get $e0)) (i32.sub (local.get $e0) (local.get $s0)) (local.get $target))
        (then (local.set $pos (local.get $e0)) (local.set $n (local.get $n0)) (global.set $stop (i32.const 2)) (br $resolved)))
      (br_if $resolved (i32.eq (local.get $q) (i32.const 1)))
      (if (call $cut (call $rowHash (local.get $s1) (local.get $e1)) (i32.sub (local.get $e1) (local.get $s1)) (local.get $target))
        (then (local.set $pos (local.get $e1)) (local.set $n (local.get $n1)) (global.set $stop (i32.const 2)) (br $resolved)))
      (br_if $resolved (i32.eq (local.get $q) (i32.const 2)))
      (if (call $cut (call $rowHash (local.get $s2) (local.get $e2)) (i32.sub (local.get $e2) (local.get $s2)) (local.get $target))
        (then (local.set $pos (local.get $e2)) (local.set $n (local.get $n2)) (global.set $stop (i32.const 2)))))
    (global.set $lines (local.get $n))
    (local.get $pos))
)
