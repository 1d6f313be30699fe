/** `pcapframe objects FILE --out DIR [--keylog K]`: HTTP objects, as Wireshark's Export Objects → HTTP. */
import * as path from "node:path";
import { exportObjects } from "../decrypt/index";
import type { CommandSpec } from "./args";
import { FILE_ARG, READ_OPTIONS, loadCapture } from "./common";

export const objects: CommandSpec = {
  name: "objects",
  summary: "HTTP objects (Wireshark's Export Objects → HTTP; TLS decrypted with --keylog) written to DIR",
  positional: [FILE_ARG],
  options: [{ name: "out", short: "o", type: "string", value: "DIR", required: true, description: "folder for the objects (created)" }, ...READ_OPTIONS],
  run(args, io) {
    const cap = loadCapture("objects", args, io);
    const objs = exportObjects(cap);
    const written = objs.save(args.opts.out as string);
    io.out("frame\thostname\tcontent_type\tsize\tfile\n");
    objs.rows.forEach((o, i) => io.out(`${o.frame}\t${o.hostname}\t${o.contentType}\t${o.size}\t${path.basename(written[i])}\n`));
    return 0;
  },
};
