/** readCapture's options. */
import { z } from "zod";
import type { Progress } from "../base/progress";

export const ReadOptionsSchema = z
  .object({
    /** Throw a CaptureError at the first framing fault instead of keeping the packets before it. */
    strict: z.boolean().default(false),
    /** Run Wireshark-style TCP sequence analysis (streams, relative numbers, flags, RTT). */
    tcpAnalysis: z.boolean().default(true),
    /** Dissect application layers (TLS, HTTP, DNS). */
    appLayers: z.boolean().default(true),
    /** Stop after this many packets. */
    maxPackets: z.number().int().positive().optional(),
    /**
     * Run the TCP analysis in a worker thread while the file is read ("auto": for captures of 8 MB and
     * more when the machine has two cores or more); the worker then also runs the tcptrace pass the flow
     * table needs, finishing it after the read returns. Results are identical either way.
     */
    threads: z.union([z.boolean(), z.literal("auto")]).default("auto"),
    /**
     * With `threads`: have the worker also run the tcptrace pass the flow table needs (default). False
     * when no flow table will be built (the CLI's packet list): the worker stops after the analysis; a
     * flow table built anyway runs the pass itself. Results are identical either way.
     */
    tcptrace: z.boolean().default(true),
    /**
     * TLS key log (NSS / SSLKEYLOGFILE format): a file path or the text itself. With it (or with pcapng
     * Decryption Secrets Blocks, used automatically) TLS records are decrypted while reading.
     */
    keylog: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
    /**
     * Called as the read advances (every few thousand packets, and after each file) with the bytes read of
     * the total: packets, rate and ETA beside it. For a gzip-compressed file the count jumps at its end.
     */
    onProgress: z.custom<(p: Progress) => void>((v) => typeof v === "function", "expected a function").optional(),
  })
  .strict();

export type ReadOptions = z.input<typeof ReadOptionsSchema>;
export type ResolvedReadOptions = z.output<typeof ReadOptionsSchema>;
