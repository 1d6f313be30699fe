/**
 * Every command of `pcapframe`, in the order the usage lists them. A new command is a new file in this
 * folder exporting a CommandSpec (see args.ts) plus one line here.
 */
import type { CommandSpec } from "./args";
import { info } from "./info";
import { packets } from "./packets";
import { flows } from "./flows";
import { plot } from "./plot";
import { compare } from "./compare";
import { columns } from "./columns";
import { lab } from "./lab";
import { start } from "./start";
import { objects } from "./objects";
import { convert } from "./convert";
import { sql } from "./sql";
import { initNotebooksCommand } from "./init-notebooks";

export const COMMANDS: readonly CommandSpec[] = [
  info,
  packets,
  flows,
  plot,
  objects,
  convert,
  sql,
  compare,
  columns,
  lab,
  start,
  initNotebooksCommand,
];
