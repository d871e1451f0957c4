/*
 * The minimal C reader/writer loop bench/phy/tap.ts compares TapInterface with: the same tap, the
 * same non-blocking descriptor, one read(2) or write(2) per frame, poll(2) only when a read would
 * block. Compiled with `cc -O2` into a temporary directory at bench time.
 *
 *   tap_loop rx TAP SECONDS          read frames for up to SECONDS, print "frames bytes seconds" where
 *                                    seconds is the time from the first frame to the last (so idle
 *                                    time before and after the traffic source runs is not counted)
 *   tap_loop tx TAP SECONDS FRAME    write the frame in file FRAME for SECONDS, copying it into the
 *                                    write buffer each time (as a stack serialising a frame would)
 *                                    with a sequence number in its last two bytes, print
 *                                    "frames bytes seconds errors"
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_tap(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) { perror("open /dev/net/tun"); exit(1); }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); exit(1); }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: tap_loop rx|tx TAP SECONDS [FRAME]\n"); return 2; }
  int fd = open_tap(argv[2]);
  /* Tells the harness the tap is attached, so it starts the traffic source only now. */
  fprintf(stderr, "ready\n");
  double seconds = atof(argv[3]);
  static uint8_t buf[65536];
  uint64_t frames = 0, bytes = 0, errors = 0;
  double start = now(), end = start + seconds, t = start;

  if (strcmp(argv[1], "rx") == 0) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    double first = 0, last = 0;
    while (t < end) {
      for (int i = 0; i < 1024; i++) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
          if (frames == 0) first = now();
          frames++;
          bytes += n;
          continue;
        }
        if (n < 0 && errno == EAGAIN) {
          last = now();
          /* A pause of 100 ms after traffic means the source has finished. */
          if (poll(&pfd, 1, 100) == 0 && frames > 0) t = end;
          break;
        }
        errors++;
        break;
      }
      if (t < end) t = now();
    }
    printf("%llu %llu %.6f\n", (unsigned long long)frames, (unsigned long long)bytes, frames ? last - first : 0.0);
  } else if (strcmp(argv[1], "tx") == 0 && argc >= 5) {
    FILE *f = fopen(argv[4], "rb");
    if (!f) { perror(argv[4]); return 1; }
    static uint8_t frame[65536];
    size_t length = fread(frame, 1, sizeof frame, f);
    fclose(f);
    while (t < end) {
      for (int i = 0; i < 1024; i++) {
        memcpy(buf, frame, length);
        buf[length - 2] = (uint8_t)(frames >> 8);
        buf[length - 1] = (uint8_t)frames;
        ssize_t n = write(fd, buf, length);
        if (n > 0) { frames++; bytes += n; } else errors++;
      }
      t = now();
    }
    printf("%llu %llu %.6f %llu\n", (unsigned long long)frames, (unsigned long long)bytes, t - start,
           (unsigned long long)errors);
  } else {
    fprintf(stderr, "tap_loop: unknown mode %s\n", argv[1]);
    return 2;
  }
  close(fd);
  return 0;
}
