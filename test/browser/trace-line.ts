// What a line of the demo's trace looks like: the time since the first frame, the direction, and the
// tcpdump -nn -S line of a frame between the demo's two stacks (10.0.0.1 and 10.0.0.2): TCP or ARP.
const ADDRESS = String.raw`10\.0\.0\.[12]`;
const TCP = String.raw`IP ${ADDRESS}\.\d+ > ${ADDRESS}\.\d+: Flags \[[SFPRUEW.]+\], (seq \d+(:\d+)?, )?(ack \d+, )?win \d+(, options \[[^\]]*\])?, length \d+`;
const ARP = String.raw`ARP, (Request who-has ${ADDRESS} tell ${ADDRESS}|Reply ${ADDRESS} is-at [0-9a-f:]{17}), length \d+`;
export const TRACE_LINE = new RegExp(String.raw`^\[ {0,5}\d+\.\d{3}s\] (<-|->) (${TCP}|${ARP})$`);
