// A bare kernel TCP endpoint for bench/tcp: moves bytes as fast as read(2)/write(2) allow, so the
// figure is the TCP path's, not a tool's (socat's pipes, dd's copies).
//   pump recv ADDR PORT        listen, accept one connection, read to EOF; prints "BYTES SECONDS"
//                              (from the first byte read to EOF)
//   pump send ADDR PORT BYTES  connect (retrying while refused) and write BYTES, then close
// Buffers of 256 KiB; SO_SNDBUF/SO_RCVBUF left to the kernel's autotuning.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static char buf[1 << 18];

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: pump recv ADDR PORT | pump send ADDR PORT BYTES\n");
    return 2;
  }
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(atoi(argv[3]));
  if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
    fprintf(stderr, "pump: bad address %s\n", argv[2]);
    return 2;
  }
  if (strcmp(argv[1], "recv") == 0) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) {
      perror("pump: bind/listen");
      return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int c = accept(l, NULL, NULL);
    if (c < 0) {
      perror("pump: accept");
      return 1;
    }
    long long total = 0;
    double start = 0;
    for (;;) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        perror("pump: read");
        return 1;
      }
      if (n == 0) break;
      if (total == 0) start = now();
      total += n;
    }
    printf("%lld %.6f\n", total, now() - start);
    return 0;
  }
  if (strcmp(argv[1], "send") == 0 && argc >= 5) {
    long long want = atoll(argv[4]);
    int s = -1;
    for (int attempt = 0; attempt < 200; attempt++) {
      s = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(s, (struct sockaddr *)&sa, sizeof sa) == 0) break;
      close(s);
      s = -1;
      usleep(10000);
    }
    if (s < 0) {
      perror("pump: connect");
      return 1;
    }
    memset(buf, 0x5a, sizeof buf);
    long long sent = 0;
    double start = now();
    while (sent < want) {
      size_t chunk = want - sent < (long long)sizeof buf ? (size_t)(want - sent) : sizeof buf;
      ssize_t n = write(s, buf, chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        perror("pump: write");
        return 1;
      }
      sent += n;
    }
    shutdown(s, SHUT_WR);
    while (read(s, buf, sizeof buf) > 0) {}
    printf("%lld %.6f\n", sent, now() - start);
    return 0;
  }
  fprintf(stderr, "pump: unknown mode %s\n", argv[1]);
  return 2;
}
