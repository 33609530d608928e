;; echo: a stateless Troupe actor in WebAssembly text (guest ABI v1, docs/abi.md).
;;
;; State: none (it never keeps one).
;;   handle-request [id, msg]  answers msg itself
;;   handle-send [msg]         does nothing, but is recorded in the chain like every delivery
(module
  (memory (export "memory") 1)

  (data (i32.const 64) "{\"Ok\":[null,")    ;; 12 bytes
  (data (i32.const 80) "{\"Ok\":[null]}")   ;; 13 bytes

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
      (then
        (global.set $live (i32.const 0))
        (global.set $top (global.get $base)))))

  ;; Index just past the first element (a JSON string) of the tuple at ptr: skips '["', then to
  ;; the closing unescaped quote, then the comma.
  (func $after_first_string (param $ptr i32) (param $len i32) (result i32)
    (local $i i32) (local $c i32)
    (local.set $i (i32.const 2))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (if (i32.eq (local.get $c) (i32.const 92)) ;; backslash: skip the escaped byte
          (then (local.set $i (i32.add (local.get $i) (i32.const 2))) (br $scan)))
        (br_if $done (i32.eq (local.get $c) (i32.const 34)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i32.add (local.get $i) (i32.const 2)))

  (func (export "troupe:actor/message-server-client.handle-request")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (local $start i32) (local $mlen i32) (local $out i32) (local $n i32)
    (local.set $start (call $after_first_string (local.get $pp) (local.get $pl)))
    ;; msg runs from $start to just before the tuple's closing ']'
    (local.set $mlen (i32.sub (i32.sub (local.get $pl) (i32.const 1)) (local.get $start)))
    (local.set $n (i32.add (i32.const 14) (local.get $mlen)))
    (local.set $out (call $alloc (local.get $n)))
    (memory.copy (local.get $out) (i32.const 64) (i32.const 12))
    (memory.copy (i32.add (local.get $out) (i32.const 12)) (i32.add (local.get $pp) (local.get $start)) (local.get $mlen))
    (i32.store16 (i32.add (local.get $out) (i32.add (i32.const 12) (local.get $mlen))) (i32.const 0x7d5d)) ;; ]}
    (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32)) (i64.extend_i32_u (local.get $n))))

  (func (export "troupe:actor/message-server-client.handle-send")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (i64.or (i64.shl (i64.const 80) (i64.const 32)) (i64.const 13)))
)
