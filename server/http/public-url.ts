import type { Request } from 'express';
import type { Config } from '../config';

/**
 * The portal's address for links a person copies or a feed reader follows: PUBLIC_URL when set, else the address
 * the request came to (its scheme as the trusted proxy says, its Host), so an unconfigured portal still hands out
 * addresses that work.
 */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'publicUrlConfigured'>, req: Request): string {
  if (config.publicUrlConfigured) return config.publicUrl;
  const host = req.get('host');
  return host ? `${req.protocol}://${host}` : config.publicUrl;
}
