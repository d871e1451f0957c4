// smoltcp-ts/phy/linux: the Linux drivers, over koffi (a native addon loaded when this module is
// imported, and only then). TapInterface speaks to a tap device, RawSocket to an interface through an
// AF_PACKET socket; both are WaitableDevices and report setup problems as PhyError values.
export { TapInterface, type TapInterfaceOptions } from './tap-interface.js';
export { RawSocket, type RawSocketOptions } from './raw-socket.js';
export { FdDevice, type FdDeviceOptions } from './fd-device.js';
export { PhyError, type PhyErrorCode } from './errors.js';
