import { relative } from 'node:path';
import { defaultConfig, defaultDataDir, integerVariables, type ServerConfig } from './config.ts';
import { environmentSchema, type EnvironmentName } from './config-schema.ts';

/** How README shows a variable's default; `undefined` when it has none. */
function defaultText(name: EnvironmentName, config: ServerConfig, root: string): string | undefined {
  const integer = Object.entries(integerVariables).find(([, variable]) => variable === name);
  if (integer !== undefined) return String(config[integer[0] as keyof typeof integerVariables]);
  const list = (items: string[]): string | undefined => (items.length > 0 ? items.join(',') : undefined);
  switch (name) {
    case 'HOST':
      return config.host;
    case 'RATE_LIMIT':
      return `${config.rateLimit.perSecond}:${config.rateLimit.burst}`;
    case 'RATE_LIMIT_BYTES':
      return `${config.rateLimit.bytesPerSecond}:${config.rateLimit.byteBurst}`;
    case 'TRUST_PROXY':
      return String(config.trustProxy);
    case 'ALLOWED_ORIGINS':
      return list(config.allowedOrigins);
    case 'LOG_LEVEL':
      return config.logLevel;
    case 'STUN_URLS':
      return list(config.stunUrls);
    case 'TURN_URLS':
      return list(config.turnUrls);
    case 'TURN_SECRET':
      return config.turnSecret;
    case 'WEB_ROOT':
      return relative(root, config.webRoot);
    case 'DATA_DIR':
      return defaultDataDir;
    case 'INSPECT_ROOMS':
      return config.inspectRooms ? '1' : '0';
    default:
      return undefined;
  }
}

/**
 * README's Configuration table, generated from `environmentSchema` (names, meanings) and
 * `defaultConfig` (defaults), so the documentation cannot drift from what the server reads.
 * `root` is the repository, against which WEB_ROOT's default is shown.
 */
export function configurationTable(root: string): string {
  const rows = Object.entries(environmentSchema.properties).map(([name, schema]) => {
    const shown = defaultText(name as EnvironmentName, defaultConfig, root);
    return `| \`${name}\` | ${shown === undefined ? 'none' : `\`${shown}\``} | ${(schema as { description: string }).description} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
