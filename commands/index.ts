// The registry: every chat command the bot understands. The product's table of contents.
import { help } from './help.ts';
import { member } from './member.ts';
import { whoami } from './whoami.ts';

export const commands = [help, whoami, member] as const;
