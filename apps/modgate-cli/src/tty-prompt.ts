import { CliError } from './api-client.js';

/**
 * Asks one line on the terminal: the question on stderr, the answer read from stdin in raw mode,
 * echoed only when `echo` (a password is never shown). Enter ends it, Backspace edits it, Ctrl-C
 * or Ctrl-D on an empty line cancels it.
 */
export function promptLine(question: string, options: { echo: boolean }): Promise<string> {
  const stdin = process.stdin;
  const out = process.stderr;
  if (!stdin.isTTY) return Promise.reject(new CliError('stdin is not a terminal: use --password-stdin or --token-stdin'));
  // Raw mode (no echo by the terminal) before the question: nothing typed after it is shown.
  stdin.setEncoding('utf8');
  stdin.setRawMode(true);
  stdin.resume();
  out.write(question);
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || (char === '\u0004' && answer === '')) return finish(new CliError('cancelled'));
        if (char === '\u007f' || char === '\b') {
          if (answer.length > 0 && options.echo) out.write('\b \b');
          answer = [...answer].slice(0, -1).join('');
        } else if (char >= ' ') {
          answer += char;
          if (options.echo) out.write(char);
        }
      }
    };
    stdin.on('data', onData);
  });
}

/** All of stdin, for `--password-stdin` and `--token-stdin`: the first line, without its line end. */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]!.trim();
}
