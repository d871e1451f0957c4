/*
 * The kernel-side traffic source for bench/phy/tap.ts: frames the kernel sends out of the tap as fast
 * as it can, for SECONDS, to whoever reads the tap. Frames the reader is too slow for are dropped by
 * the tap and show in its tx_dropped counter, which tells whether the source outpaced the reader.
 *
 *   blast udp DST_IP PORT PAYLOAD_BYTES SECONDS
 *       a UDP socket sending to an address routed through the tap (static neighbour entry, no ARP):
 *       each datagram goes through the kernel's UDP/IP stack and qdisc.
 *   blast packet TAP DST_IP PAYLOAD_BYTES SECONDS
 *       an AF_PACKET socket on the tap sending prebuilt Ethernet/IPv4/UDP frames in batches of 64
 *       (sendmmsg) with PACKET_QDISC_BYPASS: the cheapest way for the kernel to feed the tap, so it
 *       outpaces a reader on a small machine where the UDP stack alone would not.
 *
 * Prints "frames seconds".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t ip_checksum(const uint8_t *p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static int blast_udp(int argc, char **argv, uint64_t *sent, double *elapsed) {
  if (argc < 6) return -1;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) { perror("socket"); exit(1); }
  struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3])) };
  if (inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", argv[2]); exit(2); }
  if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) { perror("connect"); exit(1); }
  size_t length = (size_t)atoi(argv[4]);
  static uint8_t payload[65536];
  double start = now(), end = start + atof(argv[5]), t = start;
  while (t < end) {
    for (int i = 0; i < 256; i++)
      if (send(fd, payload, length, 0) >= 0) (*sent)++;
    t = now();
  }
  *elapsed = t - start;
  return 0;
}

static int blast_packet(int argc, char **argv, uint64_t *sent, double *elapsed) {
  if (argc < 6) return -1;
  int ifindex = (int)if_nametoindex(argv[2]);
  if (ifindex == 0) { perror(argv[2]); exit(1); }
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) { perror("socket(AF_PACKET)"); exit(1); }
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  struct sockaddr_ll addr = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("bind"); exit(1); }

  size_t payload = (size_t)atoi(argv[4]);
  size_t length = 14 + 20 + 8 + payload;
  static uint8_t frame[65536];
  struct in_addr dst;
  if (inet_pton(AF_INET, argv[3], &dst) != 1) { fprintf(stderr, "bad address %s\n", argv[3]); exit(2); }
  uint8_t *eth = frame, *ip = frame + 14, *udp = ip + 20;
  memcpy(eth, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
  ip[0] = 0x45; ip[8] = 64; ip[9] = 17;
  ip[2] = (uint8_t)((20 + 8 + payload) >> 8); ip[3] = (uint8_t)(20 + 8 + payload);
  uint32_t src = htonl(ntohl(dst.s_addr) ^ 3); /* .1 when DST is .2 */
  memcpy(ip + 12, &src, 4);
  memcpy(ip + 16, &dst, 4);
  uint16_t sum = ip_checksum(ip, 20);
  ip[10] = (uint8_t)(sum >> 8); ip[11] = (uint8_t)sum;
  udp[0] = 0x30; udp[1] = 0x39; udp[2] = 0; udp[3] = 9;
  udp[4] = (uint8_t)((8 + payload) >> 8); udp[5] = (uint8_t)(8 + payload);

  struct iovec iov = { .iov_base = frame, .iov_len = length };
  struct mmsghdr msgs[BATCH];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < BATCH; i++) { msgs[i].msg_hdr.msg_iov = &iov; msgs[i].msg_hdr.msg_iovlen = 1; }
  double start = now(), end = start + atof(argv[5]), t = start;
  while (t < end) {
    for (int i = 0; i < 16; i++) {
      int n = sendmmsg(fd, msgs, BATCH, 0);
      if (n > 0) *sent += (uint64_t)n;
    }
    t = now();
  }
  *elapsed = t - start;
  return 0;
}

int main(int argc, char **argv) {
  uint64_t sent = 0;
  double elapsed = 0;
  int r = -1;
  if (argc >= 2 && strcmp(argv[1], "udp") == 0) r = blast_udp(argc, argv, &sent, &elapsed);
  else if (argc >= 2 && strcmp(argv[1], "packet") == 0) r = blast_packet(argc, argv, &sent, &elapsed);
  if (r < 0) {
    fprintf(stderr, "usage: blast udp DST_IP PORT PAYLOAD_BYTES SECONDS\n"
                    "       blast packet TAP DST_IP PAYLOAD_BYTES SECONDS\n");
    return 2;
  }
  printf("%llu %.6f\n", (unsigned long long)sent, elapsed);
  return 0;
}
