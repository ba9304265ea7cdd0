// Jetson boards in USB device mode: NVIDIA's gadget (vendor 0955, product 7020 or 7035)
// under sysfs, and the network interface it brought up. The board's end of that link (L4T's
// default, read from resources/devices/jetson-usb.json) is only suggested: the user adds the device.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { UsbBoard } from '../../shared/devices/schema.ts';

export const NVIDIA_USB_VENDOR = '0955';
export const JETSON_GADGET_PRODUCTS = ['7020', '7035'];

/** L4T's l4tbr0 address of the board's side of the USB link, as the bundled resources record it. */
export function jetsonUsbHost(resourcesDir: string): string {
  return (JSON.parse(readFileSync(join(resourcesDir, 'devices', 'jetson-usb.json'), 'utf8')) as { boardHost: string }).boardHost;
}

function readAttr(dir: string, name: string): string | undefined {
  try { return readFileSync(join(dir, name), 'utf8').trim(); } catch { return undefined; }
}

/** Network interfaces whose device lives under `usbDir` (cdc_ether / rndis functions of the gadget). */
function interfacesOf(sysfsRoot: string, usbDir: string): string[] {
  const netDir = join(sysfsRoot, 'class', 'net');
  if (!existsSync(netDir)) return [];
  const usbReal = realpathSync(usbDir);
  const out: string[] = [];
  for (const ifname of readdirSync(netDir)) {
    try {
      const dev = realpathSync(join(netDir, ifname, 'device'));
      if (dev === usbReal || dev.startsWith(`${usbReal}/`) || dev.startsWith(`${usbReal}:`)) out.push(ifname);
    } catch { /* virtual interface without a device */ }
  }
  return out.sort();
}

/** `usbHost`: the address to suggest for the board (jetsonUsbHost in real use; tests inject loopback). */
export function detectUsbBoards(sysfsRoot: string, usbHost: string): UsbBoard[] {
  const devicesDir = join(sysfsRoot, 'bus', 'usb', 'devices');
  if (!existsSync(devicesDir)) return [];
  const boards: UsbBoard[] = [];
  for (const name of readdirSync(devicesDir).sort()) {
    const dir = join(devicesDir, name);
    const vendorId = readAttr(dir, 'idVendor')?.toLowerCase();
    const productId = readAttr(dir, 'idProduct')?.toLowerCase();
    if (vendorId !== NVIDIA_USB_VENDOR || !productId || !JETSON_GADGET_PRODUCTS.includes(productId)) continue;
    boards.push({
      sysfsPath: dir,
      vendorId,
      productId,
      product: readAttr(dir, 'product') ?? 'NVIDIA Jetson (USB device mode)',
      serial: readAttr(dir, 'serial'),
      netInterface: interfacesOf(sysfsRoot, dir)[0],
      suggestedHost: usbHost,
    });
  }
  return boards;
}
