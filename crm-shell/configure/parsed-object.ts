import type { XmlElement } from '../../daemon/cib/xml.js';
import type { SourceLocation } from '../../daemon/util/errors.js';

/** The <configuration> sections a crm statement can land in. */
export type Section = 'crm_config' | 'nodes' | 'resources' | 'constraints' | 'rsc_defaults' | 'op_defaults' | 'fencing-topology' | 'tags';

export interface Reference {
  id: string;
  location: SourceLocation;
}

/** One crm statement turned into its CIB element, plus what it refers to (checked once the whole file is read). */
export interface ParsedObject {
  section: Section;
  element: XmlElement;
  location: SourceLocation;
  /** Resources a constraint names. */
  references: Reference[];
  /** Resources a group or clone takes inside itself. */
  members: Reference[];
}
