/**
 * A plotly figure as plain data: what `Plotly.newPlot(div, data, layout, config)` takes and what the
 * `application/vnd.plotly.v1+json` MIME bundle carries.
 */
export interface Figure {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Duck-type check for a {@link Figure}. */
export function isFigure(value: unknown): value is Figure {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as Figure).data) &&
    typeof (value as Figure).layout === "object" &&
    (value as Figure).layout !== null
  );
}
