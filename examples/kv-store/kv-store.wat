;; kv-store: a key-value store actor in WebAssembly text (guest ABI v1, docs/abi.md).
;;
;; State: a JSON object of the entries, e.g. {"a":1,"b":{"x":[2]}}; none counts as {}.
;; Requests (handle-request [id, msg]), msg is a JSON array:
;;   ["put", KEY, VALUE]   stores VALUE under KEY; answers true
;;   ["get", KEY]          answers the value, or null
;;   ["delete", KEY]       removes KEY; answers whether it was there
;; Keys are JSON strings, compared byte for byte. Values are any JSON, kept byte for byte.
(module
  (memory (export "memory") 1)
  (data (i32.const 64) "{\"Ok\":[")     ;; 7 bytes
  (data (i32.const 80) "null")
  (data (i32.const 88) "true")
  (data (i32.const 96) "false")
  (data (i32.const 112) "{\"Err\":\"expected [op, key, value?] with op put, get or delete\"}") ;; 63 bytes

  ;; ---- allocator: a bump arena that resets when every buffer has been freed ----
  (global $base i32 (i32.const 4096))
  (global $top (mut i32) (i32.const 4096))
  (global $live (mut i32) (i32.const 0))
  (func $alloc (export "troupe_alloc") (param $len i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (i32.and (i32.add (global.get $top) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $have)) (i32.const 16)) (i32.const 1)))
              (i32.const -1))
          (then unreachable))))
    (global.set $top (local.get $end))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (local.get $p))
  (func (export "troupe_free") (param $ptr i32) (param $len i32)
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.le_s (global.get $live) (i32.const 0))
      (then (global.set $live (i32.const 0)) (global.set $top (global.get $base)))))

  ;; ---- JSON scanning over [p, end) ----
  (func $ws (param $p i32) (param $end i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.eqz (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 10)))
                                      (i32.or (i32.eq (local.get $c) (i32.const 13)) (i32.eq (local.get $c) (i32.const 9))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; p at an opening quote; returns the position after the closing quote.
  (func $skip_string (param $p i32) (param $end i32) (result i32)
    (local $c i32)
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 92))
          (then (local.set $p (i32.add (local.get $p) (i32.const 2))) (br $next)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $done (i32.eq (local.get $c) (i32.const 34)))
        (br $next)))
    (local.get $p))

  ;; p at the first byte of a value; returns the position just after it.
  (func $skip_value (param $p i32) (param $end i32) (result i32)
    (local $c i32) (local $depth i32)
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 34))
      (then (return (call $skip_string (local.get $p) (local.get $end)))))
    (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
      (then
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $p)))
            (if (i32.eq (local.get $c) (i32.const 34))
              (then (local.set $p (call $skip_string (local.get $p) (local.get $end))) (br $next)))
            (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
              (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
            (if (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93)))
              (then (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $done (i32.eqz (local.get $depth)))
            (br $next)))
        (return (local.get $p))))
    ;; number, true, false, null: up to a delimiter
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.or (i32.or (i32.eq (local.get $c) (i32.const 44)) (i32.eq (local.get $c) (i32.const 93)))
                             (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.le_u (local.get $c) (i32.const 32)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  (func $equal (param $a i32) (param $alen i32) (param $b i32) (param $blen i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $alen) (local.get $blen)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $alen)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i))) (i32.load8_u (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; ---- output: {"Ok":[<state>,<answer>]} assembled piece by piece ----
  (global $out (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (func $put (param $p i32) (param $len i32)
    (memory.copy (i32.add (global.get $out) (global.get $n)) (local.get $p) (local.get $len))
    (global.set $n (i32.add (global.get $n) (local.get $len))))
  (func $byte (param $c i32)
    (i32.store8 (i32.add (global.get $out) (global.get $n)) (local.get $c))
    (global.set $n (i32.add (global.get $n) (i32.const 1))))

  ;; found entry of the key, set by $find
  (global $found (mut i32) (i32.const 0))
  (global $key_start (mut i32) (i32.const 0))   ;; entry's key
  (global $val_start (mut i32) (i32.const 0))
  (global $val_end (mut i32) (i32.const 0))
  (global $next_entry (mut i32) (i32.const -1))  ;; next entry's key, or -1 when last
  (global $prev_comma (mut i32) (i32.const -1))  ;; comma before this entry, or -1 when first
  (global $close (mut i32) (i32.const 0))        ;; the state's closing brace

  (func $find (param $s i32) (param $send i32) (param $k i32) (param $klen i32)
    (local $p i32) (local $ks i32) (local $ke i32) (local $vs i32) (local $ve i32) (local $comma i32)
    (global.set $found (i32.const 0))
    (local.set $comma (i32.const -1))
    (local.set $p (call $ws (i32.add (call $ws (local.get $s) (local.get $send)) (i32.const 1)) (local.get $send)))
    (block $done
      (loop $entry
        (br_if $done (i32.ne (i32.load8_u (local.get $p)) (i32.const 34)))
        (local.set $ks (local.get $p))
        (local.set $ke (call $skip_string (local.get $p) (local.get $send)))
        (local.set $vs (call $ws (i32.add (call $ws (local.get $ke) (local.get $send)) (i32.const 1)) (local.get $send)))
        (local.set $ve (call $skip_value (local.get $vs) (local.get $send)))
        (local.set $p (call $ws (local.get $ve) (local.get $send)))
        (if (i32.and (i32.eqz (global.get $found))
                     (call $equal (local.get $ks) (i32.sub (local.get $ke) (local.get $ks)) (local.get $k) (local.get $klen)))
          (then
            (global.set $found (i32.const 1))
            (global.set $key_start (local.get $ks))
            (global.set $val_start (local.get $vs))
            (global.set $val_end (local.get $ve))
            (global.set $prev_comma (local.get $comma))
            (global.set $next_entry (i32.const -1))
            (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 44))
              (then (global.set $next_entry (call $ws (i32.add (local.get $p) (i32.const 1)) (local.get $send)))))))
        (br_if $done (i32.ne (i32.load8_u (local.get $p)) (i32.const 44)))
        (local.set $comma (local.get $p))
        (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1)) (local.get $send)))
        (br $entry)))
    (global.set $close (local.get $p)))

  (func (export "troupe:actor/message-server-client.handle-request")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (local $end i32) (local $p i32) (local $op i32) (local $k i32) (local $ke i32)
    (local $v i32) (local $ve i32) (local $send i32) (local $empty i32)
    (local.set $end (i32.add (local.get $pp) (local.get $pl)))
    ;; params: ["<request id>", msg]
    (local.set $p (call $skip_string (i32.add (local.get $pp) (i32.const 1)) (local.get $end)))
    (local.set $p (call $ws (i32.add (call $ws (local.get $p) (local.get $end)) (i32.const 1)) (local.get $end)))
    (block $bad
      (br_if $bad (i32.ne (i32.load8_u (local.get $p)) (i32.const 91)))            ;; [
      (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
      (br_if $bad (i32.ne (i32.load8_u (local.get $p)) (i32.const 34)))            ;; "op"
      (local.set $op (i32.load8_u (i32.add (local.get $p) (i32.const 1))))
      (local.set $p (call $skip_string (local.get $p) (local.get $end)))
      (local.set $p (call $ws (local.get $p) (local.get $end)))
      (br_if $bad (i32.ne (i32.load8_u (local.get $p)) (i32.const 44)))
      (local.set $k (call $ws (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
      (br_if $bad (i32.ne (i32.load8_u (local.get $k)) (i32.const 34)))            ;; "key"
      (local.set $ke (call $skip_string (local.get $k) (local.get $end)))
      (if (i32.eq (local.get $op) (i32.const 112)) ;; put: a value follows
        (then
          (local.set $p (call $ws (local.get $ke) (local.get $end)))
          (br_if $bad (i32.ne (i32.load8_u (local.get $p)) (i32.const 44)))
          (local.set $v (call $ws (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
          (local.set $ve (call $skip_value (local.get $v) (local.get $end)))))
      (br_if $bad (i32.eqz (i32.or (i32.or (i32.eq (local.get $op) (i32.const 112)) (i32.eq (local.get $op) (i32.const 103)))
                                   (i32.eq (local.get $op) (i32.const 100)))))
      ;; the state, or {} when none
      (if (i32.lt_s (local.get $sl) (i32.const 0))
        (then (local.set $sp (i32.const 200)) (local.set $sl (i32.const 2)) (i32.store16 (i32.const 200) (i32.const 0x7d7b))))
      (local.set $send (i32.add (local.get $sp) (local.get $sl)))
      (call $find (local.get $sp) (local.get $send) (local.get $k) (i32.sub (local.get $ke) (local.get $k)))
      ;; the answer holds the state once, and a get's value (at most the state) or a put's (in the params)
      (global.set $out (call $alloc (i32.add (i32.add (i32.shl (local.get $sl) (i32.const 1)) (local.get $pl)) (i32.const 32))))
      (global.set $n (i32.const 0))
      (call $put (i32.const 64) (i32.const 7))
      (if (i32.eq (local.get $op) (i32.const 103)) ;; get
        (then
          (call $put (local.get $sp) (local.get $sl))
          (call $byte (i32.const 44))
          (if (global.get $found)
            (then (call $put (global.get $val_start) (i32.sub (global.get $val_end) (global.get $val_start))))
            (else (call $put (i32.const 80) (i32.const 4))))))
      (if (i32.eq (local.get $op) (i32.const 112)) ;; put
        (then
          (if (global.get $found)
            (then
              (call $put (local.get $sp) (i32.sub (global.get $val_start) (local.get $sp)))
              (call $put (local.get $v) (i32.sub (local.get $ve) (local.get $v)))
              (call $put (global.get $val_end) (i32.sub (local.get $send) (global.get $val_end))))
            (else
              ;; an object with no entries has its closing brace right after the opening one
              (local.set $empty (i32.ne (i32.load8_u (call $ws (i32.add (call $ws (local.get $sp) (local.get $send)) (i32.const 1)) (local.get $send))) (i32.const 34)))
              (call $put (local.get $sp) (i32.sub (global.get $close) (local.get $sp)))
              (if (i32.eqz (local.get $empty)) (then (call $byte (i32.const 44))))
              (call $put (local.get $k) (i32.sub (local.get $ke) (local.get $k)))
              (call $byte (i32.const 58))
              (call $put (local.get $v) (i32.sub (local.get $ve) (local.get $v)))
              (call $put (global.get $close) (i32.sub (local.get $send) (global.get $close)))))
          (call $byte (i32.const 44))
          (call $put (i32.const 88) (i32.const 4))))
      (if (i32.eq (local.get $op) (i32.const 100)) ;; delete
        (then
          (if (global.get $found)
            (then
              (if (i32.ge_s (global.get $next_entry) (i32.const 0))
                (then
                  (call $put (local.get $sp) (i32.sub (global.get $key_start) (local.get $sp)))
                  (call $put (global.get $next_entry) (i32.sub (local.get $send) (global.get $next_entry))))
                (else
                  (if (i32.ge_s (global.get $prev_comma) (i32.const 0))
                    (then
                      (call $put (local.get $sp) (i32.sub (global.get $prev_comma) (local.get $sp)))
                      (call $put (global.get $val_end) (i32.sub (local.get $send) (global.get $val_end))))
                    (else
                      (call $put (local.get $sp) (i32.sub (global.get $key_start) (local.get $sp)))
                      (call $put (global.get $val_end) (i32.sub (local.get $send) (global.get $val_end)))))))
              (call $byte (i32.const 44))
              (call $put (i32.const 88) (i32.const 4)))
            (else
              (call $put (local.get $sp) (local.get $sl))
              (call $byte (i32.const 44))
              (call $put (i32.const 96) (i32.const 5))))))
      (call $byte (i32.const 93))
      (call $byte (i32.const 125))
      (return (i64.or (i64.shl (i64.extend_i32_u (global.get $out)) (i64.const 32)) (i64.extend_i32_u (global.get $n)))))
    (i64.or (i64.shl (i64.const 112) (i64.const 32)) (i64.const 63)))
)
