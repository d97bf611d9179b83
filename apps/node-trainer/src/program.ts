import { Command } from 'commander';
import { infoCommand } from './info-command.js';

/** The `fcn` command line: one subcommand per file, each with its own --help. */
export function buildProgram(): Command {
  return new Command('fcn')
    .description('Train, evaluate and run FCN semantic segmentation models (fcn.ts)')
    .showHelpAfterError()
    .addCommand(infoCommand());
}
