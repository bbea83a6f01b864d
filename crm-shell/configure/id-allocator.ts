/**
 * Generated ids follow crmsh (`vm1-instance_attributes`, `vm1-monitor-10s`);
 * when a base is taken, `-0`, `-1`, … are appended, as crmsh does.
 */
export class IdAllocator {
  private readonly used = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.used.add(id);
  }

  has(id: string): boolean {
    return this.used.has(id);
  }

  claim(id: string): void {
    this.used.add(id);
  }

  allocate(base: string): string {
    let id = base;
    for (let n = 0; this.used.has(id); n += 1) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}
