/**
 * The command line of `media-bridge-proxy authorize`, parsed without side effects. A bad
 * argument throws a UsageError whose message says what to change.
 */

export const DEFAULT_PORT = 3035;
/** How long the command waits for HubSpot's redirect. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

export interface AuthorizeArgs {
  /** Port of the redirect listener on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Also request the scopes that keeping media objects needs. */
  mediaObjects: boolean;
  /** Write the environment lines to this file (mode 0600) instead of printing the token. */
  save?: string;
  timeoutSeconds: number;
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const AUTHORIZE_USAGE = `Usage: media-bridge-proxy authorize [options]

Runs HubSpot's OAuth install flow for your own app and prints the refresh token the proxy
needs. Reads HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET from the environment.

Options:
  --port <n>          port of the redirect listener on 127.0.0.1 (default ${DEFAULT_PORT});
                      register http://localhost:<n>/oauth-callback in the app's settings
  --media-objects     also request files and media_bridge.read, for HUBSPOT_MEDIA_OBJECTS=create
  --save <file>       write the environment lines to <file> (created with mode 0600, never
                      overwritten) instead of printing the refresh token
  --timeout <s>       give up after this many seconds without a redirect (default ${DEFAULT_TIMEOUT_SECONDS})
  -h, --help          this text

Environment:
  HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET   the app's credentials (required)
  HUBSPOT_APP_BASE    where the authorize page is (default https://app.hubspot.com)
  HUBSPOT_API_BASE    where the token endpoint is (default https://api.hubapi.com)
`;

export function parseAuthorizeArgs(argv: readonly string[]): AuthorizeArgs {
  const args: AuthorizeArgs = { port: DEFAULT_PORT, mediaObjects: false, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--media-objects':
        if (inline !== undefined) throw new UsageError('--media-objects takes no value');
        args.mediaObjects = true;
        break;
      case '--port':
        args.port = integer(flag, takeValue(), 0, 65535);
        break;
      case '--timeout':
        args.timeoutSeconds = integer(flag, takeValue(), 1, 24 * 3600);
        break;
      case '--save': {
        const file = takeValue();
        if (!file.trim()) throw new UsageError('--save needs a file name');
        args.save = file;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}; see media-bridge-proxy authorize --help`);
    }
  }
  return args;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
  return n;
}
