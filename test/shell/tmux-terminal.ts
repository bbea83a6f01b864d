import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real terminal for shell tests: a detached tmux session on a private
 * server socket. Keys go in with send-keys, the screen comes back with
 * capture-pane, as a person would see it.
 */
export class TmuxTerminal {
  private readonly server = `vigil-shell-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(...args: string[]) {
    return run('tmux', ['-L', this.server, ...args]);
  }

  async start(command: string, env: Record<string, string>, cwd: string): Promise<void> {
    const exports = Object.entries(env).map(([k, v]) => `${k}='${v}'`).join(' ');
    // The test runner may export NO_COLOR; a person's terminal does not, unless the test says so.
    await this.tmux('new-session', '-d', '-s', 'shell', '-x', '160', '-y', '50', '-c', cwd, `env -u NO_COLOR ${exports} ${command}; echo "[exited $?]"; sleep 30`);
  }

  /** Types text literally (no key-name interpretation), then optional named keys such as Tab or Enter. */
  async type(text: string, ...keys: string[]): Promise<void> {
    if (text !== '') await this.tmux('send-keys', '-t', 'shell', '-l', text);
    for (const key of keys) await this.tmux('send-keys', '-t', 'shell', key);
  }

  /** The visible screen; with `escapes`, including colour sequences (capture-pane -e). */
  async screen(escapes = false): Promise<string> {
    const { stdout } = await this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'shell');
    return stdout.replace(/\n+$/, '');
  }

  /** Waits until the screen satisfies `test`; fails with the screen's content after `timeoutMs`. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (ok(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`terminal never showed ${String(test)}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}
