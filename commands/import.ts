// /import 导入 — import a register from the spreadsheet just sent to the bot.
import { z } from 'zod';
import { importFromChat } from '../src/app/import-from-chat.ts';
import { type RegisterKind, registerNames } from '../src/app/import-registers.ts';
import { errorFileCsv } from '../src/app/import-runner.ts';
import { auditActor, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { type Card, md, note } from '../src/cards/card.ts';
import { errorCard } from '../src/cards/common.ts';
import { DomainError } from '../src/domain/errors.ts';
import { localDate } from '../src/domain/local-date.ts';

const kindArg = z.string().transform((text, ctx): RegisterKind => {
  const kinds: Record<string, RegisterKind> = {
    targets: 'targets',
    对象: 'targets',
    名录库: 'targets',
    matters: 'matters',
    事项: 'matters',
    事项清单: 'matters',
    inspectors: 'inspectors',
    人员: 'inspectors',
    检查人员: 'inspectors',
  };
  const kind = kinds[text.toLowerCase()];
  if (!kind) {
    ctx.addIssue({
      code: 'custom',
      message: `“${text}”不是可导入的名录，可选：targets 对象、matters 事项、inspectors 人员`,
    });
    return z.NEVER;
  }
  return kind;
});

function reportCard(
  kind: RegisterKind,
  fileName: string,
  r: Awaited<ReturnType<typeof importFromChat>>['report'],
  dryRun: boolean,
): Card {
  const counts = `新增 ${r.inserted}，更新 ${r.updated}，未变 ${r.unchanged}，拒绝 ${r.rejected}${r.deactivated ? `，停用 ${r.deactivated}` : ''}`;
  const title = dryRun ? '试导入结果（未写入）' : r.committed ? '导入完成' : '未导入';
  return {
    header: {
      title: `${title} · ${registerNames[kind]}`,
      subtitle: fileName,
      color: r.committed || (dryRun && r.rejected === 0) ? 'green' : 'orange',
    },
    elements: [
      md(
        r.committed || dryRun
          ? counts
          : `共 ${r.rows} 行，其中 ${r.rejected} 行有错误，按“全部或全不”规则**什么也没有导入**。改正后重新发送文件，或发送 \`/import ${kind} --partial\` 只导入正确的行。`,
      ),
      ...(r.errors.length > 0
        ? [
            {
              type: 'table' as const,
              columns: [
                { key: 'row', label: '行' },
                { key: 'column', label: '列' },
                { key: 'problem', label: '问题' },
              ],
              rows: r.errors
                .slice(0, 10)
                .map((e) => ({ row: String(e.row), column: e.column, problem: e.problem })),
            },
            note(
              r.errors.length > 10
                ? `只列出前 10 条，共 ${r.rejected} 行有错误；全部错误见随后发送的文件。`
                : '错误清单也已作为文件发送，可下载后对照修改。',
            ),
          ]
        : []),
      ...(r.warnings.length > 0
        ? [note(`${r.warnings.length} 条提示，例如第 ${r.warnings[0]!.row} 行：${r.warnings[0]!.problem}`)]
        : []),
      ...(r.unknownColumns.length > 0 ? [note(`未使用的列：${r.unknownColumns.join('、')}`)] : []),
    ],
  };
}

export const importCommand = defineCommand({
  name: 'import',
  aliases: ['导入'],
  summary: '导入刚发给机器人的表格（名录库、事项清单、检查人员）',
  subcommands: [
    subcommand({
      name: '',
      summary: '先在单聊中把表格文件发给机器人，再发送本命令导入；默认全部或全不导入',
      usage: '/import <targets|matters|inspectors> [--partial] [--dry-run] [--sync] [--dept 部门]',
      examples: ['/import targets', '/import 对象 --dry-run', '/import inspectors --partial'],
      access: ['office', 'liaison'],
      params: [{ name: 'kind', label: '名录' }],
      args: z.object({
        kind: kindArg,
        options: z.object({
          partial: z.literal(true).optional(),
          'dry-run': z.literal(true).optional(),
          sync: z.literal(true).optional(),
          dept: z.string().optional(),
        }),
      }),
      async handle({ args, actor, services, source, progress }) {
        const started = Date.now();
        let lastShown = 0;
        const showing = (fileName: string, rows: number) =>
          progress({
            header: { title: `正在导入 · ${registerNames[args.kind]}`, subtitle: fileName, color: 'blue' },
            elements: [
              md(
                rows > 0
                  ? `已读 ${rows} 行（${Math.round(rows / Math.max(1, (Date.now() - started) / 1000))} 行/秒）…`
                  : '正在读取文件…',
              ),
            ],
          });
        let name = '';
        const today = localDate(services.clock.now(), services.timeZone);
        let result: Awaited<ReturnType<typeof importFromChat>>;
        try {
          result = await importFromChat(services, {
            kind: args.kind,
            by: auditActor(actor),
            roles: actor.person?.roles ?? [],
            ...(actor.department ? { ownDepartment: actor.department } : {}),
            ...(args.options.dept ? { department: args.options.dept } : {}),
            chatId: source.chatId,
            senderId: actor.userId,
            partial: Boolean(args.options.partial),
            dryRun: Boolean(args.options['dry-run']),
            sync: Boolean(args.options.sync),
            today,
            onStart: async (fileName) => {
              name = fileName;
              await showing(fileName, 0);
            },
            onProgress: (rows) => {
              // At most one update every two seconds: a card may be updated 5 times a second.
              if (Date.now() - lastShown < 2_000) return;
              lastShown = Date.now();
              showing(name, rows).catch((error) =>
                services.logger.warn('import progress not shown', { error: String(error) }),
              );
            },
          });
        } catch (error) {
          // Once the progress card is out, a refusal (e.g. not a spreadsheet) replaces it rather than adding another.
          if (name && error instanceof DomainError) {
            await progress(errorCard(error.userMessage, error.hint));
            return [];
          }
          throw error;
        }
        // The progress card becomes the report; every error, not only the first ten, follows as a file.
        await progress(
          reportCard(args.kind, result.fileName, result.report, Boolean(args.options['dry-run'])),
        );
        if (result.report.errors.length === 0) return [];
        const csv = Buffer.from(errorFileCsv(result.report), 'utf8');
        return [
          {
            kind: 'file',
            file: {
              name: `${result.fileName.replace(/\.[^.]+$/, '')}-错误.csv`,
              base64: csv.toString('base64'),
            },
          },
        ];
      },
    }),
  ],
});
