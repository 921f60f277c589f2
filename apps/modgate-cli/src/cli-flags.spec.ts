import { CliError } from './api-client.js';
import { parseFlags } from './cli-flags.js';

describe('parseFlags', () => {
  it('reads --name value, --name=value, booleans and positionals', () => {
    const { flags, positional } = parseFlags(['x@v1', '--module', 'github.com/acme/', '--status=4xx', '--json'], ['module', 'status'], ['json']);
    expect(Object.fromEntries(flags)).toEqual({ module: 'github.com/acme/', status: '4xx', json: 'true' });
    expect(positional).toEqual(['x@v1']);
  });

  it('reads everything after -- as positional', () => {
    const { flags, positional } = parseFlags(['--json', '--', '-N1X3ttDKHk6GPUo2y4Czg', '--json'], [], ['json']);
    expect(Object.fromEntries(flags)).toEqual({ json: 'true' });
    expect(positional).toEqual(['-N1X3ttDKHk6GPUo2y4Czg', '--json']);
  });

  it.each([
    ['an unknown flag', ['--colour', 'red'], /unknown flag --colour/],
    ['a missing value', ['--module'], /--module needs a value/],
    ['an empty value', ['--module='], /--module needs a value/],
    ['a value on a boolean', ['--json=yes'], /--json takes no value/],
  ])('refuses %s', (_name, args, message) => {
    expect(() => parseFlags(args, ['module'], ['json'])).toThrow(CliError);
    expect(() => parseFlags(args, ['module'], ['json'])).toThrow(message);
  });
});
