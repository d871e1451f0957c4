// Logging as smoltcp's `log` feature: normal events (ARP learned, packets sent and received, socket
// buffer levels) at trace level, exceptional ones (malformed packets, drops) at debug level. The
// interface builds a message only when its level is enabled, so a silent interface (the default)
// formats nothing. A `verbose` switch adds an event per socket read and write (smoltcp's `verbose`).

export enum LogLevel {
  Off = 0,
  Debug = 1,
  Trace = 2,
}

export interface Logger {
  log(level: LogLevel, message: string): void;
}

/** Writes `[debug] message` / `[trace] message` lines to the console. */
export const consoleLogger: Logger = {
  log(level: LogLevel, message: string): void {
    console.log(`[${level === LogLevel.Debug ? 'debug' : 'trace'}] ${message}`);
  },
};
