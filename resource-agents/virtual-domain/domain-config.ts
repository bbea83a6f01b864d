import { readFileSync } from 'node:fs';
import { firstChild, parseXml } from '../../daemon/cib/xml.js';
import { NotInstalledError, ParameterInvalidError } from '../lib/agent-errors.js';

/** The libvirt domain described by the `config` file. */
export interface DomainConfig {
  name: string;
  xml: string;
  file: string;
}

/** The domain XML file named by `config` does not exist or cannot be read (OCF_ERR_INSTALLED). */
export class ConfigFileMissingError extends NotInstalledError {
  override readonly code = 'VD_CONFIG_MISSING';
  constructor(
    readonly file: string,
    options: { cause: unknown },
  ) {
    super(`config file ${file} cannot be read (${(options.cause as NodeJS.ErrnoException).code ?? (options.cause as Error).message})`, options);
  }
}

/** Reads the domain XML; a file that is not a <domain> with a <name> is a configuration error. */
export function readDomainConfig(file: string): DomainConfig {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigFileMissingError(file, { cause });
  }
  let name: string | undefined;
  try {
    const root = parseXml(xml, file);
    if (root.name !== 'domain') throw new Error(`root element is <${root.name}>, not <domain>`);
    name = firstChild(root, 'name')?.text?.trim();
    if (!name) throw new Error('<domain> has no <name>');
  } catch (cause) {
    throw new ParameterInvalidError('config', file, `a libvirt domain XML file (${(cause as Error).message})`, { cause });
  }
  return { name, xml, file };
}
