/** Operations CLI: `npm run honne -- <command>` (the commands: scripts/cli/commands.ts). */
import { runCli } from './cli/commands.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  progress: (text) => process.stderr.write(text),
});
