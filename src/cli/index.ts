// Commands beyond the basics (sandbox, demo, replay, reprocess). Adding one = one line here.
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { replayCommands } from './replay.ts';
import { sandboxCommands } from './sandbox.ts';
import { demoCommands } from './demo.ts';
import { reconcileCommands } from './reconcile.ts';
import { metaCommands } from './meta.ts';

export type CommandFactory = (program: Command, loadConfig: () => Config) => void;

export const extraCommands: CommandFactory[] = [replayCommands, sandboxCommands, demoCommands, metaCommands, reconcileCommands];
