import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { element, writeXml, type XmlElement } from '../../daemon/cib/xml.js';
import { VigilError } from '../../daemon/util/errors.js';
import { allResources, cibDocument, elementsWithId, keepNodes, REFERENCE_ELEMENTS, resourcesUnder, section } from '../configure/configuration.js';
import { STATEMENT_PARSERS } from '../configure/parser.js';
import { configurationWarnings, quorumPolicyWarning } from '../configure/warnings.js';
import { writeCrm } from '../configure/write-crm.js';
import { configurationFromCrm, configurationFromText, readConfigurationFile, readConfigurationText, validateConfiguration } from '../configuration-file.js';
import { EXIT } from '../exit-codes.js';
import type { Level, ShellCommand } from '../level.js';
import { parseFlags, UsageError } from '../options.js';
import type { ShellSession } from '../session.js';
import { completeIds, completeStatement } from '../completion.js';

export class EditorError extends VigilError {
  override readonly code = 'EDITOR';
}

const clone = (el: XmlElement): XmlElement => structuredClone(el);

/**
 * Changes go to the working copy at the interactive configure level (kept until
 * `commit`), and straight to the cluster — diff, confirm, commit — in one-shot use.
 */
async function change(session: ShellSession, edit: (configuration: XmlElement) => XmlElement): Promise<number> {
  if (session.working) {
    const next = edit(clone(session.working.configuration));
    validateConfiguration(next);
    session.working.configuration = next;
    return EXIT.ok;
  }
  const base = await session.liveCib();
  return session.commit(edit(clone(base.configuration)), base);
}

/** The grammar of each statement, as `help <statement>` prints it. */
const STATEMENT_USAGE: Record<string, [string, string]> = {
  node: ['a cluster node and its permanent attributes', 'node [<id>:] <uname>[:<type>] [attributes <name>=<value>…] [utilization <name>=<value>…]'],
  primitive: ['a resource run by an agent', 'primitive <id> {[<class>:[<provider>:]]<type> | @<template>} [params <name>=<value>…] [meta …] [utilization …]\n    [op <op> [interval=…] [timeout=…] [on-fail=…] [role=…] [<param>=…] [op_params …] [op_meta …]]…'],
  rsc_template: ['a template primitives can refer to with @<id>', 'rsc_template <id> [<class>:[<provider>:]]<type> [params …] [meta …] [utilization …] [op …]…'],
  group: ['resources kept together and started in order', 'group <id> <rsc> [<rsc>…] [meta <name>=<value>…] [params …]'],
  clone: ['a resource run on several nodes (meta promotable=true for promoted/unpromoted roles)', 'clone <id> <rsc> [meta <name>=<value>…]'],
  ms: ['a promotable clone (legacy spelling)', 'ms <id> <rsc> [meta <name>=<value>…]'],
  location: ['where a resource may or prefers to run', 'location <id> {<rsc> | /<regex>/} [role=<role>] {<score>: <node> | rule [$role=…] <score>: <expression> [rule …]}\n    expression: <attr> [<type>:]{lt|gt|lte|gte|eq|ne} <value> | [not_]defined <attr> | date {gt|lt|in_range|date_spec} …, joined by and|or'],
  colocation: ['resources placed together (or apart, with a negative score)', 'colocation <id> <score>: <rsc>[:<role>] <with-rsc>[:<role>] [node-attribute=<attr>]\n    or resource sets: <rsc>… | ( <rsc>… ) | [ <rsc>… ]'],
  order: ['the order resources start (and stop, reversed)', 'order <id> [{Mandatory|Optional|Serialize|<score>}:] <first>[:<action>] <then>[:<action>] [symmetrical=<bool>]\n    or resource sets: <rsc>… | ( <rsc>… ) | [ <rsc>… ]'],
  rsc_ticket: ['resources that need a ticket', 'rsc_ticket <id> <ticket>: <rsc>[:<role>] [<rsc>[:<role>]…] [loss-policy=stop|demote|fence|freeze]'],
  tag: ['a name for several resources, usable in constraints', 'tag <id>: <rsc> [<rsc>…]'],
  fencing_topology: ['which fence devices to try, in order, per node', 'fencing_topology [{<node>: | attr:<name>=<value> | pattern:<regex>}] <dev>[,<dev>…] …'],
  property: ['cluster options', 'property [<set>:] <name>=<value>…'],
  rsc_defaults: ['default resource meta attributes', 'rsc_defaults [<set>:] <name>=<value>…'],
  op_defaults: ['default operation attributes', 'op_defaults [<set>:] <name>=<value>…'],
};

function statementCommand(keyword: string): ShellCommand {
  const [what, grammar] = STATEMENT_USAGE[keyword];
  return {
    summary: `define ${what}`,
    usage: grammar,
    run: (session, args) =>
      change(session, (conf) => {
        const next = configurationFromCrm(quoteArgs([keyword, ...args]), '<command line>', conf);
        const policy = keyword === 'property' && args.some((a) => /^no-quorum-policy=/i.test(a)) ? quorumPolicyWarning(next) : undefined;
        if (policy !== undefined) session.err(`warning: ${policy}`);
        return next;
      }),
    complete: (session, args) => completeStatement(session, [keyword, ...args]),
  };
}

/** Re-quotes argv words so the crm lexer sees what the shell passed (a value with spaces stays one value). */
function quoteArgs(words: string[]): string {
  const q = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
  return words
    .map((w) => {
      if (!/[\s"'#]/.test(w)) return w;
      const eq = w.indexOf('=');
      return eq > 0 ? `${w.slice(0, eq + 1)}${q(w.slice(eq + 1))}` : q(w);
    })
    .join(' ');
}

function findObject(conf: XmlElement, id: string): { parent: XmlElement; el: XmlElement } | undefined {
  const walk = (parent: XmlElement): { parent: XmlElement; el: XmlElement } | undefined => {
    for (const el of parent.children) {
      if (el.attrs.id === id && !REFERENCE_ELEMENTS.has(el.name)) return { parent, el };
      const inner = walk(el);
      if (inner) return inner;
    }
    return undefined;
  };
  for (const name of ['nodes', 'resources', 'constraints'] as const) {
    const found = walk(section(conf, name));
    if (found) return found;
  }
  return undefined;
}

export class UnknownObjectError extends VigilError {
  override readonly code = 'UNKNOWN_OBJECT';
  constructor(readonly id: string) {
    super(`no object with id '${id}' in the configuration`);
  }
}

/** A configuration holding only the named objects, for `show ID…`. */
function pick(conf: XmlElement, ids: string[]): XmlElement {
  const shown = element('configuration');
  for (const id of ids) {
    const found = findObject(conf, id);
    if (!found) throw new UnknownObjectError(id);
    const el = found.el;
    section(shown, el.name === 'node' ? 'nodes' : el.name.startsWith('rsc_') ? 'constraints' : 'resources').children.push(el);
  }
  return shown;
}

/** Deleting a resource also drops it from constraints; constraints left with nothing are deleted too (as crmsh does). */
function deleteObject(conf: XmlElement, id: string): XmlElement {
  const found = findObject(conf, id);
  if (!found) throw new UnknownObjectError(id);
  found.parent.children.splice(found.parent.children.indexOf(found.el), 1);
  const constraints = section(conf, 'constraints');
  const gone = new Set([id, ...resourcesUnder(found.el).map((r) => r.attrs.id)]);
  constraints.children = constraints.children.filter((c) => {
    if ([c.attrs.rsc, c.attrs['with-rsc'], c.attrs.first, c.attrs.then].some((r) => r !== undefined && gone.has(r))) return false;
    for (const set of c.children) set.children = set.children.filter((r) => r.name !== 'resource_ref' || !gone.has(r.attrs.id));
    c.children = c.children.filter((set) => set.name !== 'resource_set' || set.children.length > 0);
    return !(c.children.length === 0 && c.attrs.rsc === undefined && c.attrs.first === undefined && c.attrs['rsc-pattern'] === undefined);
  });
  // A group left empty has no meaning: remove it as well.
  for (const group of allResources(conf).filter((r) => r.name === 'group' && r.children.every((c) => c.name !== 'primitive'))) {
    const holder = findObject(conf, group.attrs.id)!;
    holder.parent.children.splice(holder.parent.children.indexOf(group), 1);
  }
  return conf;
}

/** Renames an object and every reference to it. */
function renameObject(conf: XmlElement, from: string, to: string): XmlElement {
  const found = findObject(conf, from);
  if (!found) throw new UnknownObjectError(from);
  if ([...elementsWithId(conf)].some((e) => e.attrs.id === to)) throw new UsageError(`rename: id '${to}' already exists`);
  found.el.attrs.id = to;
  if (found.el.name === 'node' && found.el.attrs.uname === from) found.el.attrs.uname = to;
  const visit = (el: XmlElement) => {
    for (const attr of ['rsc', 'with-rsc', 'first', 'then']) if (el.name.startsWith('rsc_') && el.attrs[attr] === from) el.attrs[attr] = to;
    if (el.name === 'resource_ref' && el.attrs.id === from) el.attrs.id = to;
    el.children.forEach(visit);
  };
  visit(section(conf, 'constraints'));
  return conf;
}

async function runEditor(session: ShellSession, text: string, suffix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-edit-'));
  const file = join(dir, `configuration${suffix}`);
  try {
    await writeFile(file, text);
    const editor = process.env.VISUAL ?? process.env.EDITOR ?? 'vi';
    const launch = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (c) => resolve(c ?? 1));
      });
    const code = await (session.lendTerminal ? session.lendTerminal(launch) : launch());
    if (code !== 0) throw new EditorError(`editor '${editor}' exited with status ${code}; nothing changed`);
    return await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const idCompletion = (session: ShellSession) => completeIds(session);

export const configureLevel: Level = {
  name: 'configure',
  summary: 'edit the cluster configuration (crm syntax)',
  commands: {
    ...Object.fromEntries(Object.keys(STATEMENT_PARSERS).filter((k) => k !== 'collocation').map((k) => [k, statementCommand(k)])),
    show: {
      summary: 'show the configuration (or some objects) in crm syntax, or as XML',
      usage: 'show [xml] [id…]',
      async run(session, args) {
        const xml = args[0] === 'xml';
        const ids = xml ? args.slice(1) : args;
        const conf = await session.currentConfiguration();
        const shown = ids.length > 0 ? pick(conf, ids) : conf;
        if (session.options.output === 'json') session.json({ xml: writeXml(shown) });
        else session.out(xml ? writeXml(shown) : writeCrm(shown));
        return EXIT.ok;
      },
      complete: idCompletion,
    },
    verify: {
      summary: 'check a configuration file (crm syntax or CIB XML) offline, or the working configuration; --xml/--crm print it converted',
      usage: 'verify [--xml | --crm] [FILE]',
      async run(session, args) {
        const { flags, words } = parseFlags(args);
        const conf = words[0] !== undefined ? await readConfigurationFile(words[0]) : await session.currentConfiguration();
        if (words[0] === undefined) validateConfiguration(conf);
        const warnings = configurationWarnings(conf);
        for (const w of warnings) session.err(`warning: ${words[0] ?? 'configuration'}: ${w}`);
        const counts = {
          nodes: section(conf, 'nodes').children.length,
          resources: allResources(conf).length,
          constraints: section(conf, 'constraints').children.length,
        };
        if (flags.has('xml')) session.out(writeXml(cibDocument(conf)));
        else if (flags.has('crm')) session.out(writeCrm(conf));
        else if (session.options.output === 'json') session.json({ valid: true, ...counts, warnings });
        else session.out(`${words[0] ?? 'configuration'}: ok (${counts.nodes} nodes, ${counts.resources} resources, ${counts.constraints} constraints)`);
        return EXIT.ok;
      },
    },
    delete: {
      summary: 'delete objects (and constraints that only referred to them)',
      usage: 'delete ID…',
      async run(session, args) {
        if (args.length === 0) throw new UsageError('delete: which object? (delete ID…)');
        return change(session, (conf) => args.reduce(deleteObject, conf));
      },
      complete: idCompletion,
    },
    rename: {
      summary: 'rename an object and the references to it',
      usage: 'rename OLD NEW',
      async run(session, args) {
        if (args.length !== 2) throw new UsageError('rename: expected OLD NEW');
        return change(session, (conf) => renameObject(conf, args[0], args[1]));
      },
      complete: idCompletion,
    },
    edit: {
      summary: 'edit the configuration in $EDITOR; it is re-validated before anything changes',
      usage: 'edit [xml]',
      async run(session, args) {
        const xml = args[0] === 'xml';
        const conf = await session.currentConfiguration();
        const edited = await runEditor(session, xml ? writeXml(conf) : writeCrm(conf), xml ? '.xml' : '.crm');
        const next = configurationFromText(edited, 'edited configuration');
        return change(session, (current) => keepNodes(next, current));
      },
    },
    load: {
      summary: 'load a file: replace the whole configuration, or update (add/replace) the objects it defines',
      usage: 'load replace|update FILE',
      async run(session, args) {
        const [mode, file] = args;
        if ((mode !== 'replace' && mode !== 'update') || file === undefined) throw new UsageError('load: expected replace|update FILE');
        if (mode === 'replace') {
          const next = await readConfigurationFile(file);
          return change(session, (conf) => keepNodes(next, conf));
        }
        const text = await readConfigurationText(file);
        return change(session, (conf) => configurationFromCrm(text, file, conf, 'replace'));
      },
    },
    commit: {
      summary: 'write the working configuration to the cluster (shows the diff first; atomic)',
      usage: 'commit',
      async run(session) {
        if (!session.working) {
          session.out('nothing to commit (changes from the command line are committed at once)');
          return EXIT.ok;
        }
        const code = await session.commit(session.working.configuration, session.working.base);
        if (code === EXIT.ok) session.working = { configuration: session.working.configuration, base: await session.liveCib() };
        return code;
      },
    },
  },
};
