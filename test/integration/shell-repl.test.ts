import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TmuxTerminal } from '../shell/tmux-terminal.js';

// The interactive shell as a person uses it: typed keys, Tab, the screen read back.
const root = new URL('../../', import.meta.url).pathname;
const lastLine = (screen: string) => screen.split('\n').pop() ?? '';
const CONFIGURE_PROMPT = 'vigil(configure)#';

/** Types a line and waits for the next prompt, as a person waits before typing on. */
async function enter(line: string, prompt = CONFIGURE_PROMPT): Promise<string> {
  await term.type(line, 'Enter');
  return term.waitFor((s) => lastLine(s) === prompt && s.includes(line));
}

let term: TmuxTerminal;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-repl-'));
  term = new TmuxTerminal();
  // No daemon on this socket: the configure level edits offline.
  await term.start('node bin/vigil.mjs', { VIGIL_HISTORY: join(dir, 'history'), VIGIL_SOCKET: join(dir, 'absent.sock'), NO_COLOR: '1' }, root);
  await term.waitFor((s) => lastLine(s) === 'vigil#');
});

afterEach(async () => {
  await term.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('vigil interactive shell in a terminal', () => {
  it('completes commands, agents and agent parameters with Tab, and edits at the configure level', async () => {
    await term.type('conf', 'Tab');
    await term.waitFor((s) => lastLine(s) === 'vigil# configure');
    await term.type('', 'Enter');
    await term.waitFor((s) => lastLine(s) === 'vigil(configure)#');
    expect(await term.screen()).toContain('editing offline');

    await term.type('primitive web ocf:heartbeat:Dum', 'Tab');
    await term.waitFor((s) => lastLine(s).endsWith('primitive web ocf:heartbeat:Dummy'));
    // Parameter names come from the agent's own meta-data.
    await term.type(' fa', 'Tab');
    await term.waitFor((s) => lastLine(s).endsWith('ocf:heartbeat:Dummy fake='));
    await enter('hello op monitor interval=10s');
    await enter('primitive db ocf:heartbeat:Dummy');
    await term.type('group app web d', 'Tab');
    await term.waitFor((s) => lastLine(s).endsWith('group app web db'));
    await term.type('', 'Enter');
    await term.type('show', 'Enter');
    // the group line of show's output, not the typed statement still on screen ("vigil(configure)# group app web db")
    const shown = await term.waitFor(/^group app web db$/m);
    expect(shown).toContain('primitive web ocf:heartbeat:Dummy \\\n    params fake=hello \\\n    op monitor interval=10s');
    expect(shown).toContain('primitive db ocf:heartbeat:Dummy');
  });

  it('reports a bad statement with its column and keeps the working copy unchanged', async () => {
    await term.type('configure', 'Enter');
    await term.waitFor((s) => lastLine(s) === 'vigil(configure)#');
    await enter('primitive a ocf:heartbeat:Dummy');
    await term.type('colocation c inf: a ghost', 'Enter');
    await term.waitFor(/refers to missing resource 'ghost'/);
    await term.type('order o Sometimes: a a', 'Enter');
    await term.waitFor(/invalid order kind 'Sometimes'/);
    await term.type('show xml', 'Enter');
    const screen = await term.waitFor(/<\/configuration>/);
    const shown = screen.slice(screen.lastIndexOf('show xml'));
    expect(shown).toContain('<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>');
    expect(shown).toContain('<constraints/>');
  });

  it('edit hands the terminal to a real vi and re-validates what was saved', async () => {
    await term.stop();
    term = new TmuxTerminal();
    await term.start('node bin/vigil.mjs', { VIGIL_HISTORY: join(dir, 'history'), VIGIL_SOCKET: join(dir, 'absent.sock'), EDITOR: 'vi', VISUAL: 'vi' }, root);
    await term.waitFor((s) => lastLine(s) === 'vigil#');
    await term.type('configure', 'Enter');
    await term.waitFor((s) => lastLine(s) === CONFIGURE_PROMPT);
    await enter('primitive a ocf:heartbeat:Dummy');
    await term.type('edit', 'Enter');
    await term.waitFor((s) => s.startsWith('primitive a ocf:heartbeat:Dummy') && s.includes('~'));
    // In vi: append a statement with a reference to a missing resource, save.
    await term.type('', 'G', 'o');
    await term.type('colocation c inf: a ghost');
    await term.type('', 'Escape');
    await term.type(':wq', 'Enter');
    await term.waitFor(/error: edited configuration:2:21: rsc_colocation 'c' refers to missing resource 'ghost'/);
    await term.type('edit', 'Enter');
    await term.waitFor((s) => s.startsWith('primitive a ocf:heartbeat:Dummy') && s.includes('~'));
    await term.type('', 'G', 'o');
    await term.type('primitive b ocf:heartbeat:Dummy');
    await term.type('', 'Escape');
    await term.type(':wq', 'Enter');
    await term.waitFor((s) => lastLine(s) === CONFIGURE_PROMPT && s.includes('vigil(configure)# edit'));
    await term.type('show', 'Enter');
    const screen = await term.waitFor(/primitive b ocf:heartbeat:Dummy\nvigil\(configure\)#$/);
    expect(screen).not.toContain('colocation c');
  });

  it('warns once before leaving configure with uncommitted changes', async () => {
    await term.type('configure', 'Enter');
    await term.waitFor((s) => lastLine(s) === CONFIGURE_PROMPT);
    await enter('primitive x ocf:heartbeat:Dummy');
    await enter('up');
    expect(await term.screen()).toContain("configure: uncommitted changes: 'commit' them, or 'up' again to drop them");
    await term.type('up', 'Enter');
    await term.waitFor((s) => lastLine(s) === 'vigil#');
    await term.type('configure', 'Enter');
    await term.waitFor((s) => lastLine(s) === CONFIGURE_PROMPT && s.split('editing offline').length === 3);
    await enter('show');
    const screen = await term.screen();
    expect(screen.slice(screen.lastIndexOf('# show'))).not.toContain('primitive x');
  });

  it('Ctrl-C discards the typed line at the prompt and stops a running status --watch, without leaving the shell', async () => {
    await term.type('some half-typed line');
    await term.type('', 'C-c');
    await term.waitFor((s) => s.includes('vigil# ^C') && lastLine(s) === 'vigil#');
    // The discarded text must not come back in front of the next command.
    await term.type('status --watch --interval 1', 'Enter');
    await term.waitFor(/status unavailable: cannot reach vigild at .*absent\.sock[\s\S]*refreshing every 1s; Ctrl-C to stop/);
    await term.type('', 'C-c');
    await term.waitFor((s) => lastLine(s) === 'vigil#');
    await term.type('help', 'Enter');
    const screen = await term.waitFor(/levels: configure, resource, node, cluster, cib/);
    expect(screen).not.toContain('unknown command');
  });

  it('has help at every level, remembers history across sessions, and leaves with quit', async () => {
    await term.type('help', 'Enter');
    await term.waitFor(/levels: configure, resource, node, cluster, cib/);
    await term.type('help resource', 'Enter');
    await term.waitFor(/move\s+move a resource to NODE/);
    await term.type('resource', 'Enter');
    await term.waitFor((s) => lastLine(s) === 'vigil(resource)#');
    await term.type('help ban', 'Enter');
    await term.waitFor(/usage: ban RSC \[NODE\] \[--lifetime DURATION\]/);
    await term.type('up', 'Enter');
    await term.waitFor((s) => lastLine(s) === 'vigil#');
    await term.type('quit', 'Enter');
    await term.waitFor(/\[exited 0\]/);
    const history = await readFile(join(dir, 'history'), 'utf8');
    expect(history.split('\n').filter(Boolean)).toEqual(['help', 'help resource', 'resource', 'help ban', 'up', 'quit']);

    // A new session recalls the last command with the Up arrow.
    await term.stop();
    term = new TmuxTerminal();
    await term.start('node bin/vigil.mjs', { VIGIL_HISTORY: join(dir, 'history'), VIGIL_SOCKET: join(dir, 'absent.sock') }, root);
    await term.waitFor((s) => lastLine(s) === 'vigil#');
    await term.type('', 'Up');
    await term.waitFor((s) => lastLine(s) === 'vigil# quit');
  });
});
