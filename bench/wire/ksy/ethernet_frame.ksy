meta:
  id: ethernet_frame
  title: Ethernet II frame (IEEE 802.3 clause 3.1.1), without preamble and FCS
  endian: be
  imports:
    - ipv4_packet
seq:
  - id: dst_mac
    size: 6
  - id: src_mac
    size: 6
  - id: ether_type
    type: u2
    enum: ether_type_enum
  - id: body
    size-eos: true
    type:
      switch-on: ether_type
      cases:
        'ether_type_enum::ipv4': ipv4_packet
enums:
  ether_type_enum:
    0x0800: ipv4
    0x0806: arp
    0x86dd: ipv6
