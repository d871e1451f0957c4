meta:
  id: ipv4_packet
  title: IPv4 datagram (RFC 791 section 3.1); options kept raw
  endian: be
  imports:
    - tcp_segment
    - udp_datagram
    - icmp_packet
seq:
  - id: version
    type: b4
  - id: ihl
    type: b4
  - id: dscp
    type: b6
  - id: ecn
    type: b2
  - id: total_length
    type: u2
  - id: identification
    type: u2
  - id: reserved_flag
    type: b1
  - id: dont_fragment
    type: b1
  - id: more_fragments
    type: b1
  - id: fragment_offset
    type: b13
  - id: ttl
    type: u1
  - id: protocol
    type: u1
    enum: protocol_enum
  - id: header_checksum
    type: u2
  - id: src_addr
    type: u4
  - id: dst_addr
    type: u4
  - id: options
    size: ihl * 4 - 20
  - id: body
    size: total_length - ihl * 4
    type:
      switch-on: protocol
      cases:
        'protocol_enum::tcp': tcp_segment
        'protocol_enum::udp': udp_datagram
        'protocol_enum::icmp': icmp_packet
enums:
  protocol_enum:
    1: icmp
    6: tcp
    17: udp
