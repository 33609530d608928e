;; chatty: the counter of examples/counter, made to write long chains fast (a test actor).
;;
;; State: {"count": N}.
;;   handle-send [msg]     adds the first integer n in msg (1 when msg holds none) and asks the
;;                         runtime for its own id n times: n host.call events in one turn
;;   handle-request [id, msg]  answers the current count; the state is unchanged
(module
  (import "troupe:actor/runtime" "self-id" (func $self_id (param i32 i32) (result i64)))
  (memory (export "memory") 1)

  (data (i32.const 64) "{\"Ok\":[{\"count\":")   ;; 16 bytes
  (data (i32.const 96) "[]")                      ;; 2 bytes: no params

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

  (func $free (export "troupe_free") (param $ptr i32) (param $len i32)
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.le_s (global.get $live) (i32.const 0))
      (then
        (global.set $live (i32.const 0))
        (global.set $top (global.get $base)))))

  ;; ---- helpers ----
  (global $found (mut i32) (i32.const 0))

  ;; First integer in [ptr, ptr+len); sets $found.
  (func $parse_int (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $c i32) (local $neg i32) (local $v i64) (local $digits i32)
    (global.set $found (i32.const 0))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 48)) (i32.le_u (local.get $c) (i32.const 57)))
          (then
            (local.set $digits (i32.const 1))
            (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10))
                                   (i64.extend_i32_u (i32.sub (local.get $c) (i32.const 48))))))
          (else
            (br_if $done (local.get $digits))
            (local.set $neg (i32.eq (local.get $c) (i32.const 45)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (global.set $found (local.get $digits))
    (if (result i64) (local.get $neg)
      (then (i64.sub (i64.const 0) (local.get $v)))
      (else (local.get $v))))

  ;; Writes v in decimal at dst; returns the number of bytes written.
  (func $write_int (param $dst i32) (param $v i64) (result i32)
    (local $tmp i32) (local $n i32) (local $i i32) (local $neg i32) (local $u i64)
    (local.set $tmp (i32.const 512))
    (local.set $u (local.get $v))
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (local.set $neg (i32.const 1)) (local.set $u (i64.sub (i64.const 0) (local.get $v)))))
    (loop $digit
      (i32.store8 (i32.add (local.get $tmp) (local.get $n))
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $u) (i64.const 10)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $u (i64.div_u (local.get $u) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $u) (i64.const 0))))
    (if (local.get $neg)
      (then (i32.store8 (local.get $dst) (i32.const 45)) (local.set $dst (i32.add (local.get $dst) (i32.const 1)))))
    (loop $copy
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i)) (i32.load8_u (i32.add (local.get $tmp) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.add (local.get $i) (local.get $neg)))

  (func $count_of_state (param $ptr i32) (param $len i32) (result i64)
    (if (result i64) (i32.lt_s (local.get $len) (i32.const 0))
      (then (i64.const 0))
      (else (call $parse_int (local.get $ptr) (local.get $len)))))

  ;; {"Ok":[{"count":N}]} or, with $answer, {"Ok":[{"count":N},N]}
  (func $result (param $count i64) (param $answer i32) (result i64)
    (local $out i32) (local $n i32)
    (local.set $out (call $alloc (i32.const 64)))
    (memory.copy (local.get $out) (i32.const 64) (i32.const 16))
    (local.set $n (i32.const 16))
    (local.set $n (i32.add (local.get $n) (call $write_int (i32.add (local.get $out) (local.get $n)) (local.get $count))))
    (i32.store8 (i32.add (local.get $out) (local.get $n)) (i32.const 125)) ;; }
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (if (local.get $answer)
      (then
        (i32.store8 (i32.add (local.get $out) (local.get $n)) (i32.const 44)) ;; ,
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $n (i32.add (local.get $n) (call $write_int (i32.add (local.get $out) (local.get $n)) (local.get $count))))))
    (i32.store16 (i32.add (local.get $out) (local.get $n)) (i32.const 0x7d5d)) ;; ]}
    (local.set $n (i32.add (local.get $n) (i32.const 2)))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32)) (i64.extend_i32_u (local.get $n))))

  ;; One self-id host call; frees what the host wrote for its answer.
  (func $ask_id
    (local $r i64)
    (local.set $r (call $self_id (i32.const 96) (i32.const 2)))
    (if (i64.ne (local.get $r) (i64.const 0))
      (then
        (call $free (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32)))
                    (i32.wrap_i64 (local.get $r))))))

  ;; ---- callbacks ----
  (func (export "troupe:actor/actor.init")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (call $result (call $count_of_state (local.get $sp) (local.get $sl)) (i32.const 0)))

  (func (export "troupe:actor/message-server-client.handle-send")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (local $count i64) (local $add i64) (local $i i64)
    (local.set $count (call $count_of_state (local.get $sp) (local.get $sl)))
    (local.set $add (call $parse_int (local.get $pp) (local.get $pl)))
    (if (i32.eqz (global.get $found)) (then (local.set $add (i64.const 1))))
    (local.set $count (i64.add (local.get $count) (local.get $add)))
    (local.set $i (i64.const 0))
    (block $done
      (loop $more
        (br_if $done (i64.ge_s (local.get $i) (local.get $add)))
        (call $ask_id)
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $more)))
    (call $result (local.get $count) (i32.const 0)))

  (func (export "troupe:actor/message-server-client.handle-request")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (call $result (call $count_of_state (local.get $sp) (local.get $sl)) (i32.const 1)))
)
