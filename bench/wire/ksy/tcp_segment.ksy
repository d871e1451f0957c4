meta:
  id: tcp_segment
  title: TCP segment (RFC 9293 section 3.1) with its options (RFC 9293 3.2, RFC 7323, RFC 2018)
  endian: be
seq:
  - id: src_port
    type: u2
  - id: dst_port
    type: u2
  - id: seq_num
    type: u4
  - id: ack_num
    type: u4
  - id: data_offset
    type: b4
  - id: reserved
    type: b3
  - id: flag_ns
    type: b1
  - id: flag_cwr
    type: b1
  - id: flag_ece
    type: b1
  - id: flag_urg
    type: b1
  - id: flag_ack
    type: b1
  - id: flag_psh
    type: b1
  - id: flag_rst
    type: b1
  - id: flag_syn
    type: b1
  - id: flag_fin
    type: b1
  - id: window_size
    type: u2
  - id: checksum
    type: u2
  - id: urgent_pointer
    type: u2
  - id: options
    size: data_offset * 4 - 20
    type: option_list
    # repeat-until reads at least one entry, so an empty option area must not be parsed at all.
    if: data_offset > 5
  - id: body
    size-eos: true
types:
  option_list:
    seq:
      - id: entries
        type: option
        repeat: until
        repeat-until: _.kind == option_kind::end_of_list or _io.eof
  option:
    seq:
      - id: kind
        type: u1
        enum: option_kind
      - id: length
        type: u1
        if: kind != option_kind::end_of_list and kind != option_kind::nop
      - id: body
        size: length - 2
        if: kind != option_kind::end_of_list and kind != option_kind::nop
        type:
          switch-on: kind
          cases:
            'option_kind::mss': mss_option
            'option_kind::window_scale': window_scale_option
            'option_kind::sack': sack_option
            'option_kind::timestamps': timestamps_option
  mss_option:
    seq:
      - id: mss
        type: u2
  window_scale_option:
    seq:
      - id: shift
        type: u1
  sack_option:
    seq:
      - id: blocks
        type: sack_block
        repeat: eos
  sack_block:
    seq:
      - id: left_edge
        type: u4
      - id: right_edge
        type: u4
  timestamps_option:
    seq:
      - id: ts_val
        type: u4
      - id: ts_ecr
        type: u4
enums:
  option_kind:
    0: end_of_list
    1: nop
    2: mss
    3: window_scale
    4: sack_permitted
    5: sack
    8: timestamps
