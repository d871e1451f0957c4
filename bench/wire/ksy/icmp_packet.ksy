meta:
  id: icmp_packet
  title: ICMPv4 message (RFC 792); echo request and reply decoded, others raw
  endian: be
seq:
  - id: icmp_type
    type: u1
  - id: code
    type: u1
  - id: checksum
    type: u2
  - id: echo
    type: echo_message
    if: icmp_type == 0 or icmp_type == 8
  - id: rest
    size-eos: true
types:
  echo_message:
    seq:
      - id: identifier
        type: u2
      - id: sequence_number
        type: u2
