import { CliError, UsageError } from './api-client.js';

/** Parsed `--name value` / `--name=value` flags (a flag in `booleans` takes no value) and the rest (all of it after `--`). */
export interface ParsedFlags {
  flags: Map<string, string>;
  positional: string[];
}

/**
 * Parses flags against the allowed names (`short` maps one-letter flags such as `-f` to long
 * names); an unknown flag is a UsageError, a valueless one a CliError.
 */
export function parseFlags(args: string[], allowed: readonly string[], booleans: readonly string[] = [], short: Record<string, string> = {}): ParsedFlags {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let arg = args[i]!;
    // `--` ends the flags: what follows is positional even when it starts with `-`.
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (/^-[^-]/.test(arg)) {
      const long = short[arg.slice(1)];
      if (long === undefined) throw new UsageError(`unknown flag ${arg}`);
      arg = `--${long}`;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!allowed.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown flag --${name}`);
    if (booleans.includes(name)) {
      if (eq >= 0) throw new CliError(`--${name} takes no value`);
      flags.set(name, 'true');
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new CliError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, positional };
}
