import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A guest that proves its own continuity without an OS: a 61-byte boot sector
 * (on a read-only floppy, so migration needs no shared writable storage) that
 * counts BIOS timer ticks (18.2 Hz) since it booted and, on every tick, writes
 * the count as 8 hex digits + newline to COM1. The count lives only in the
 * guest's vCPU: it keeps counting across a live migration and starts again
 * from 1 when the guest is restarted. Disassembly: cli; xor ax,ax; mov ds,ax;
 * mov ss,ax; mov sp,0x7c00; sti; mov dx,0x3f8; xor si,si; xor edi,edi;
 * top: hlt; mov ax,[0x46c]; cmp ax,si; je top; mov si,ax; inc edi; mov ebx,edi;
 * mov cx,8; dig: rol ebx,4; mov al,bl; and al,0xf; add al,'0'; cmp al,'9';
 * jbe out; add al,7; out: out dx,al; loop dig; mov al,10; out dx,al; jmp top.
 */
const BOOT_CODE = Buffer.from(
  'fa31c08ed88ed0bc007cfbbaf80331f66631fff4a16c0439f074f889c666476689fbb9080066c1c30488d8240f04303c3976020407eee2edb00aeeebd6',
  'hex',
);
const FLOPPY_BYTES = 1_474_560;

export interface TickGuest {
  name: string;
  /** Domain XML file: the VirtualDomain agent's `config`. */
  configPath: string;
  serialPath: string;
}

/**
 * Writes the floppy image and domain XML for a tick guest under `dir`. The image
 * goes to `imageDir` (default `dir`) when the guest should depend on a store;
 * `imagePath` is where the domain XML says it is (a mount point of that store).
 */
export function writeTickGuest(dir: string, name: string, image: { writeTo?: string; domainPath?: string } = {}): TickGuest {
  const floppy = join(image.writeTo ?? dir, `${name}.img`);
  const floppyInDomain = image.domainPath ? join(image.domainPath, `${name}.img`) : floppy;
  if (!existsSync(floppy)) {
    const image = Buffer.alloc(FLOPPY_BYTES);
    BOOT_CODE.copy(image, 0);
    image[510] = 0x55;
    image[511] = 0xaa;
    writeFileSync(floppy, image);
  }
  const serialPath = join(dir, `${name}.serial`);
  const configPath = join(dir, `${name}.xml`);
  writeFileSync(
    configPath,
    `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='fd'/></os>
  <features><tcg><tb-cache unit='MiB'>32</tb-cache></tcg></features>
  <on_reboot>restart</on_reboot>
  <devices>
    <disk type='file' device='floppy'>
      <driver name='qemu' type='raw'/>
      <source file='${floppyInDomain}'/>
      <target dev='fda' bus='fdc'/>
      <readonly/>
    </disk>
    <serial type='file'>
      <source path='${serialPath}' append='on'/>
      <target port='0'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
`,
  );
  return { name, configPath, serialPath };
}

/** The tick values the guest has written so far (all runs, in order). */
export function readTicks(guest: TickGuest): number[] {
  if (!existsSync(guest.serialPath)) return [];
  return readFileSync(guest.serialPath, 'latin1')
    .split('\n')
    .filter((l) => /^[0-9A-F]{8}$/.test(l))
    .map((l) => parseInt(l, 16));
}

/** Waits until the guest has printed a tick above `after`; returns it. */
export async function waitForTick(guest: TickGuest, after: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ticks = readTicks(guest);
    const last = ticks[ticks.length - 1];
    if (last !== undefined && last > after) return last;
    if (Date.now() > deadline) throw new Error(`guest ${guest.name} printed no tick above ${after} within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Index of the first place where the counter went backwards (a guest restart), or -1. */
export function firstReset(ticks: number[]): number {
  return ticks.findIndex((t, i) => i > 0 && t < ticks[i - 1]);
}

/**
 * Watches the serial file while something happens to the guest (migration):
 * the longest gap between two consecutive ticks arriving is what the guest's
 * outside world saw as downtime (plus up to one tick period, 55 ms).
 */
export class TickRecorder {
  private timer?: NodeJS.Timeout;
  private lastCount = 0;
  private lastAt = 0;
  maxGapMs = 0;

  constructor(private readonly guest: TickGuest) {}

  start(): void {
    this.lastCount = readTicks(this.guest).length;
    this.lastAt = Date.now();
    this.timer = setInterval(() => {
      const count = readTicks(this.guest).length;
      const now = Date.now();
      if (count > this.lastCount) {
        this.maxGapMs = Math.max(this.maxGapMs, now - this.lastAt);
        this.lastCount = count;
        this.lastAt = now;
      }
    }, 10);
  }

  stop(): number {
    clearInterval(this.timer);
    return this.maxGapMs;
  }
}

export const TICK_PERIOD_MS = 55;
