// The PhyErrors a user meets before any device opens (names, platform) and the errno-to-advice
// mapping for the cases the privileged suites cannot provoke on every machine (a missing /dev/net/tun).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/needs.js';
import { thrownPhyError } from '../helpers/phy-error.js';
import {
  PhyError,
  checkInterfaceName,
  interfaceGoneError,
  noSuchInterfaceError,
  rawSocketError,
  tapAttachError,
  tapGoneError,
  tunOpenError,
} from '../../src/phy/errors.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { RawSocket } from '../../src/phy/raw-socket.js';
import { requireLinux } from '../../src/phy/sys/libc.js';
import { EACCES, EBUSY, EINVAL, EIO, ENOENT, EPERM } from '../../src/phy/sys/constants.js';

const test = suite('phy/tap-errors');


test('a name longer than 15 bytes is refused before anything is opened', () => {
  for (const open of [(n: string) => new TapInterface(n), (n: string) => new RawSocket(n)]) {
    const error = thrownPhyError(() => open('tap-name-too-long'));
    assert.is(error.code, 'ERR_PHY_BAD_INTERFACE_NAME');
    assert.is(
      error.message,
      "interface name 'tap-name-too-long' is 17 bytes long, and Linux allows at most 15: pick a name of 1 to 15 letters, digits, '-' or '_' (e.g. tap0).",
    );
  }
});

test('names Linux forbids are refused with the reason', () => {
  const cases: Array<[string, string]> = [
    ['', 'is empty'],
    ['.', 'is reserved'],
    ['..', 'is reserved'],
    ['tap/0', "contains '/', ':' or whitespace"],
    ['tap:0', "contains '/', ':' or whitespace"],
    ['tap 0', "contains '/', ':' or whitespace"],
    ['ééééééééé', 'is 18 bytes long'],
  ];
  for (const [name, reason] of cases) {
    const error = thrownPhyError(() => checkInterfaceName(name));
    assert.is(error.code, 'ERR_PHY_BAD_INTERFACE_NAME', name);
    assert.match(error.message, reason, name);
  }
  checkInterfaceName('tap0');
  checkInterfaceName('a'.repeat(15));
});

test('other platforms are told to use Linux or the Loopback device', () => {
  const error = thrownPhyError(() => requireLinux('darwin'));
  assert.is(error.code, 'ERR_PHY_NOT_LINUX');
  assert.is(
    error.message,
    'tap interfaces and raw sockets need Linux, and this is darwin: use the Loopback device here, or run on Linux.',
  );
  requireLinux('linux');
});

test('a missing /dev/net/tun says how to provide it', () => {
  const error = tunOpenError('tap0', ENOENT)!;
  assert.is(error.code, 'ERR_PHY_TUN_MISSING');
  assert.is(error.errno, ENOENT);
  assert.match(error.message, 'modprobe tun');
  assert.match(error.message, '--device /dev/net/tun');
});

test('each open and attach errno maps to its advice, others to none', () => {
  assert.is(tunOpenError('tap0', EACCES)!.code, 'ERR_PHY_TUN_PERMISSION');
  assert.is(tunOpenError('tap0', EPERM)!.code, 'ERR_PHY_TUN_PERMISSION');
  assert.match(tunOpenError('tap7', EACCES)!.message, 'ip tuntap add name tap7 mode tap user $USER');
  assert.is(tunOpenError('tap0', EIO), null);
  assert.is(tapAttachError('tap0', EPERM)!.code, 'ERR_PHY_TAP_PERMISSION');
  assert.is(tapAttachError('tap0', EBUSY)!.code, 'ERR_PHY_TAP_BUSY');
  assert.is(tapAttachError('tap0', EINVAL)!.code, 'ERR_PHY_NOT_A_TAP');
  assert.is(tapAttachError('tap0', EIO), null);
  assert.is(rawSocketError(EPERM)!.code, 'ERR_PHY_RAW_PERMISSION');
  assert.match(rawSocketError(EACCES)!.message, 'CAP_NET_RAW');
  assert.is(rawSocketError(EIO), null);
  assert.is(noSuchInterfaceError('eth9').message, "there is no network interface named 'eth9': `ip link` lists the interfaces you can use.");
});

test('messages are single sentences without a stack in them', () => {
  const errors = [
    tunOpenError('tap0', ENOENT)!,
    tunOpenError('tap0', EACCES)!,
    tapAttachError('tap0', EPERM)!,
    tapAttachError('tap0', EBUSY)!,
    tapAttachError('tap0', EINVAL)!,
    rawSocketError(EPERM)!,
    noSuchInterfaceError('x'),
    tapGoneError('tap0', 77),
    interfaceGoneError('eth0', 100),
  ];
  for (const e of errors) {
    assert.ok(e.code.startsWith('ERR_PHY_'));
    assert.is(e.name, 'PhyError');
    assert.not.match(e.message, '\n');
    assert.ok(e.message.endsWith('.'), e.message);
  }
});

test('a raw socket on an interface that does not exist says how to list them', () => {
  if (!needs('phy/tap-errors: a raw socket on a missing interface', ['linux'])) return;
  const error = thrownPhyError(() => new RawSocket('nosuchif0'));
  assert.is(error.code, 'ERR_PHY_NO_SUCH_INTERFACE');
  assert.match(error.message, "there is no network interface named 'nosuchif0'");
});

test.run();
