// Logging as smoltcp's `log` feature: normal events (ARP learned, packets sent and received, socket
// buffer levels) at trace level, exceptional ones (malformed packets, drops) at debug level. The
// interface builds a message only when its level is enabled, so a silent interface (the default)
// formats nothing. A `verbose` switch adds an event per socket read and write (smoltcp's `verbose`).

/** How much an interface logs: nothing, exceptional events, or everything. */
export enum LogLevel {
  /** Nothing. */
  Off = 0,
  /** Exceptional events: malformed packets, drops, neighbours that do not answer. */
  Debug = 1,
  /** Normal events too: ARP learned, packets sent and received, socket buffer levels (verbose). */
  Trace = 2,
}

/** Where an interface's log events go. */
export interface Logger {
  /** One event; `message` is built only when the level is enabled. */
  log(level: LogLevel, message: string): void;
}

/** Writes `[debug] message` / `[trace] message` lines to the console. */
export const consoleLogger: Logger = {
  log(level: LogLevel, message: string): void {
    console.log(`[${level === LogLevel.Debug ? 'debug' : 'trace'}] ${message}`);
  },
};
