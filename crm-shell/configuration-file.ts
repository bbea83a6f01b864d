import { readFile } from 'node:fs/promises';
import { parseCib } from '../daemon/cib/index.js';
import { CibValidationError } from '../daemon/cib/errors.js';
import { firstChild, parseXml, type XmlElement } from '../daemon/cib/xml.js';
import { VigilError } from '../daemon/util/errors.js';
import { applyObjects, checkReferences } from './configure/apply-objects.js';
import { cibDocument, elementsWithId, emptyConfiguration } from './configure/configuration.js';
import { IdAllocator } from './configure/id-allocator.js';
import { parseCrm } from './configure/parser.js';

export class ConfigurationFileError extends VigilError {
  override readonly code = 'CONFIG_FILE';
}

/** Reads a configuration written either in crm syntax or as CIB XML (<cib> or <configuration>). */
export async function readConfigurationFile(path: string): Promise<XmlElement> {
  return configurationFromText(await readConfigurationText(path), path);
}

export async function readConfigurationText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigurationFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

export function configurationFromText(text: string, file?: string): XmlElement {
  const configuration = text.trimStart().startsWith('<') ? configurationFromXml(text, file) : configurationFromCrm(text, file);
  validateConfiguration(configuration, file);
  return configuration;
}

function configurationFromXml(text: string, file?: string): XmlElement {
  const root = parseXml(text, file);
  const configuration = root.name === 'cib' ? firstChild(root, 'configuration') : root;
  if (!configuration || configuration.name !== 'configuration') {
    throw new ConfigurationFileError(`${file ?? '<input>'}: expected a <cib> or <configuration> document, found <${root.name}>`);
  }
  checkReferences(configuration);
  return configuration;
}

/** crm statements on top of `base` (an empty configuration unless updating a live one). */
export function configurationFromCrm(text: string, file?: string, base = emptyConfiguration(), existing: 'reject' | 'replace' = 'reject'): XmlElement {
  const ids = new IdAllocator([...elementsWithId(base)].map((e) => e.attrs.id));
  return applyObjects(base, parseCrm(text, ids, file), existing);
}

/** The CIB model's own checks (values, rule shapes, references the grammar cannot see). */
export function validateConfiguration(configuration: XmlElement, file?: string): void {
  try {
    parseCib(cibDocument(configuration), file);
  } catch (err) {
    if (err instanceof CibValidationError) throw err;
    throw new ConfigurationFileError(`${file ?? '<input>'}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
