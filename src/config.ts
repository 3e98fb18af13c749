// The program's settings, read from the environment (and from ./.env when present).
// This is the only module that reads process.env; everything else receives a typed Config.
// A bad or missing value stops the program with one message per variable that says how to fix it.
import { existsSync } from 'node:fs';
import { z } from 'zod';

const LARK_FEISHU_DOMAIN = 'https://open.feishu.cn';

/** An empty string in an .env file means "not set". */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).optional());

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// Keep this object's key order identical to .env.example (a test checks it).
const EnvSchema = z.object({
  PLATFORM: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['local', 'lark'], { error: '取值必须是 local 或 lark' }).optional(),
  ),
  PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? 3000 : Number(v)),
    z
      .number({ error: '必须是 1–65535 的端口号' })
      .int('必须是整数')
      .min(1)
      .max(65535, '必须是 1–65535 的端口号'),
  ),
  DATA_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('./data')),
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: '必须是 postgres://用户@主机:端口/数据库 形式的连接串；使用内置数据库时请不要设置',
  }),
  TZ: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .default('Asia/Shanghai')
      .refine(isTimeZone, { message: '不是有效的时区名称（例如 Asia/Shanghai）' }),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['debug', 'info', 'warn', 'error', 'silent'], {
        error: '取值必须是 debug、info、warn、error 或 silent',
      })
      .default('info'),
  ),
  LARK_APP_ID: optionalText,
  LARK_APP_SECRET: optionalText,
  LARK_ENCRYPT_KEY: optionalText,
  LARK_VERIFICATION_TOKEN: optionalText,
  LARK_DOMAIN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .default(LARK_FEISHU_DOMAIN)
      .refine((v) => /^https?:\/\/[^\s/]+/.test(v), { message: '必须是 https:// 开头的开放平台地址' }),
  ),
  LARK_MODE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['webhook', 'ws'], { error: '取值必须是 webhook 或 ws' }).default('webhook'),
  ),
  // Messages per second per app, per minute per app, per second per chat, per second per user.
  LARK_RATE_LIMITS: z.preprocess(
    (v) => (v === '' || v === undefined ? '50,1000,5,5' : v),
    z
      .string()
      .regex(/^\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*$/, {
        message: '格式为“每秒,每分钟,每个会话每秒,每个用户每秒”四个正整数，例如 50,1000,5,5',
      })
      .transform((v) => {
        const [appPerSecond, appPerMinute, chatPerSecond, userPerSecond] = v
          .split(',')
          .map((n) => Number(n.trim()));
        return {
          appPerSecond: appPerSecond!,
          appPerMinute: appPerMinute!,
          chatPerSecond: chatPerSecond!,
          userPerSecond: userPerSecond!,
        };
      })
      .refine((l) => Object.values(l).every((n) => n > 0), { message: '四个数都必须大于 0' }),
  ),
});

type Env = z.infer<typeof EnvSchema>;
export type Config = Omit<Env, 'PLATFORM'> & { PLATFORM: 'local' | 'lark' };

/** The variable names in schema order; .env.example follows it. */
export const configKeys = Object.keys(EnvSchema.shape) as (keyof Env)[];

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `配置错误，程序已停止：\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n` +
        '请在环境变量或 .env 文件中修改后重新启动（每个变量的说明见 .env.example）。',
    );
    this.name = 'ConfigError';
  }
}

/** Parses an environment into a Config, or throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '?');
        const raw = env[variable];
        const shown = raw === undefined || /SECRET|KEY|TOKEN/.test(variable) ? '' : `（当前为 "${raw}"）`;
        return { variable, message: `${issue.message}${shown}` };
      }),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];
  const hasLarkCredential = Boolean(e.LARK_APP_ID || e.LARK_APP_SECRET);
  const platform = e.PLATFORM ?? (hasLarkCredential ? 'lark' : 'local');
  // Partly set credentials are a mistake, never a reason to fall back to the local workspace.
  if (platform === 'lark' || hasLarkCredential) {
    for (const variable of ['LARK_APP_ID', 'LARK_APP_SECRET'] as const) {
      if (!e[variable]) {
        problems.push({
          variable,
          message:
            '未设置。连接飞书需要同时设置 LARK_APP_ID 和 LARK_APP_SECRET（开发者后台 → 凭证与基础信息）',
        });
      }
    }
  }
  if (platform === 'lark' && e.LARK_MODE === 'webhook' && !e.LARK_ENCRYPT_KEY) {
    // Without an encrypt key Lark signs nothing, so forged webhooks could not be told apart.
    problems.push({
      variable: 'LARK_ENCRYPT_KEY',
      message:
        '未设置。Webhook 模式必须配置加密策略：在开发者后台 → 事件与回调 → 加密策略中设置 Encrypt Key 后填入此处',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...e, PLATFORM: platform };
}

/** Loads ./.env (without overriding real environment variables), parses, and exits with code 1 on error. */
export function loadConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const config = parseConfig(process.env);
    // Date's local-time functions follow TZ; working-day arithmetic needs Asia/Shanghai days.
    process.env.TZ = config.TZ;
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
