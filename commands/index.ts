// The registry: every chat command the bot understands. The product's table of contents.
import { conflict } from './conflict.ts';
import { draw } from './draw.ts';
import { help } from './help.ts';
import { importCommand } from './import.ts';
import { inspectors } from './inspectors.ts';
import { matters } from './matters.ts';
import { member } from './member.ts';
import { office } from './office.ts';
import { plan } from './plan.ts';
import { registers } from './registers.ts';
import { targets } from './targets.ts';
import { task } from './task.ts';
import { whoami } from './whoami.ts';

export const commands = [
  help,
  whoami,
  member,
  targets,
  matters,
  inspectors,
  conflict,
  importCommand,
  registers,
  plan,
  task,
  draw,
  office,
] as const;
