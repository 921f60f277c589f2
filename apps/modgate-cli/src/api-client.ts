/** A JSON client for modgate's admin API (`MODGATE_URL`, `MODGATE_TOKEN`). */
export class ApiClient {
  private readonly authorization: string | undefined;

  /** `credentials`: a token (sent as Bearer), or a user name and password (Basic). */
  constructor(
    private readonly baseUrl: string,
    credentials: string | { user: string; password: string } | undefined,
  ) {
    if (typeof credentials === 'string') this.authorization = `Bearer ${credentials}`;
    else if (credentials) this.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  }

  /** The client of `MODGATE_URL`; a missing URL is reported at the first request (after the command line is checked). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
    return new ApiClient((env.MODGATE_URL ?? '').replace(/\/+$/, ''), env.MODGATE_TOKEN || undefined);
  }

  private url(path: string): string {
    if (!this.baseUrl) throw new CliError('set MODGATE_URL to the server, e.g. https://modgate.corp.example');
    return `${this.baseUrl}${path}`;
  }

  async request<T>(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization) headers.authorization = this.authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      throw new CliError(`cannot reach ${this.baseUrl}: ${cause?.message ?? (err as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `${method} ${path}: ${response.status} ${errorText(text)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A POST of raw bytes (a zip upload), or of nothing; the JSON answer as in {@link request}. */
  async upload<T>(path: string, body: Buffer | undefined, contentType: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization) headers.authorization = this.authorization;
    if (body) headers['content-type'] = contentType;
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      throw new CliError(`cannot reach ${this.baseUrl}: ${cause?.message ?? (err as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `POST ${path}: ${response.status} ${errorText(text)}`);
    return JSON.parse(text) as T;
  }

  /** A GET whose body the caller streams (exports); errors as in {@link request}. */
  async stream(path: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.authorization) headers.authorization = this.authorization;
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, { headers });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      throw new CliError(`cannot reach ${this.baseUrl}: ${cause?.message ?? (err as Error).message}`);
    }
    if (!response.ok) throw new CliError(`GET ${path}: ${response.status} ${errorText(await response.text())}`);
    return response;
  }
}

/** An error shown to the user as one line, exit status 1. */
export class CliError extends Error {}

/** The server answered with an error status. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A command line that does not parse (unknown flag or command, missing argument): exit status 2 with the usage. */
export class UsageError extends CliError {}

function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string }; message?: string };
    return parsed.error?.message ?? parsed.message ?? text.trim();
  } catch {
    return text.trim().replace(/^modgate: /, '');
  }
}
