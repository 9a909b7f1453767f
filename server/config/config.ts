import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The organisation's name in mails until an admin sets a sender name in the settings. */
  orgName: string;
  logLevel: string;
  anonymityK: number;
  releaseMaxDays: number;
  /** The proxies whose X-Forwarded-For is believed (fastify's `trustProxy`); false: the socket's address is the client's. */
  trustProxy: string[] | false;
}

/** A configuration value that would stop Honne from working: the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** proxy-addr's names for address ranges, which fastify accepts besides addresses and CIDRs. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGES.includes(entry)) return true;
  const [, address = '', prefix] = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry) ?? [];
  const version = isIP(address);
  return version !== 0 && (prefix === undefined || Number(prefix) <= (version === 4 ? 32 : 128));
}

/**
 * Only the listed proxies may say who the client is: trusting every sender of
 * X-Forwarded-For would let any client pick the address that throttling and the
 * audit log see. No hop count: fastify 5 trusts nobody with one.
 */
function trustedProxies(env: Env): string[] | false {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return false;
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isProxyEntry(entry));
  if (bad !== undefined)
    throw new ConfigError('TRUST_PROXY', `must list proxy addresses or ranges (e.g. 127.0.0.1,10.0.0.0/8 or loopback), got "${bad}"`);
  return entries;
}

/**
 * Embedded mode keeps its SECRET in DATA_DIR so that a restart can still open the
 * answers waiting in the pool; it is created once, readable by this user only.
 */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Reads and validates the whole configuration once; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDir = resolve(env.DATA_DIR || './data');
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  let secret = env.SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ConfigError('SECRET', 'must be at least 32 characters (e.g. `openssl rand -base64 32`)');
  }
  if (!secret) {
    if (databaseUrl) throw new ConfigError('SECRET', 'is required when DATABASE_URL is set');
    secret = embeddedSecret(dataDir);
  }

  return {
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl,
    databaseUrl,
    dataDir,
    secret,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || 'Honne <honne@localhost>',
    orgName: env.ORG_NAME || 'Honne',
    logLevel,
    anonymityK: integer(env, 'ANONYMITY_K', 5, 3, 1000),
    releaseMaxDays: integer(env, 'RELEASE_MAX_DAYS', 30, 1, 365),
    trustProxy: trustedProxies(env),
  };
}
