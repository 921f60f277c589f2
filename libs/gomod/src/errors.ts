/**
 * A Go-module rule was violated. The message is one line, phrased like the go command's
 * (`malformed module path "x": missing dot in first path element`), so it can be shown to a go
 * client as is.
 */
export class GoModError extends Error {
  override readonly name = 'GoModError';

  constructor(message: string) {
    super(message.replace(/[\r\n]+/g, ' '));
  }
}
