#!/usr/bin/python3
"""Execute notebooks with the project's tslab kernel and export them to HTML.

Usage: /usr/bin/python3 scripts/run-notebooks.py [-j N] [--out DIR] [--timeout S] [NOTEBOOK ...]

Without NOTEBOOK arguments, runs notebooks/*.ipynb. Each notebook runs with its own directory as the
working directory (so "../data/x.pcapng" works from notebooks/). Writes DIR/<name>.ipynb (executed,
also when a cell failed) and DIR/<name>.html. Exits 1 if any cell raised an error or wrote to stderr
(tslab reports type errors and exceptions as stderr streams), or printed a rich MIME bundle as text
(a table or plot whose display did not reach the kernel), printing those outputs.

Needs Debian's Jupyter (python3-nbclient, jupyter-nbconvert) and the kernelspec that
`bash scripts/setup.sh --kernel-only` installs into ./.jupyter.
"""
import argparse
import concurrent.futures
import multiprocessing
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JUPYTER_DATA = os.path.join(ROOT, ".jupyter", "share", "jupyter")


def setup_env():
    paths = [JUPYTER_DATA] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


# A MIME bundle printed as text: what show*/display calls leave when they could not reach the kernel
# (e.g. two tslab copies and the display code looked at the wrong one) and returned their bundle,
# which the cell then printed. The notebook "ran", but its tables and plots degraded to a text dump.
DEGRADED_MARKERS = ("'text/html':", '"text/html":', "'application/vnd.plotly.v1+json'", '"application/vnd.plotly.v1+json"')


def output_text(out):
    """The text of a stream output or of a result's text/plain, else ''."""
    if out.get("output_type") == "stream":
        text = out.get("text", "")
    else:
        text = out.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def degraded(out):
    """True when an output is a rich MIME bundle dumped as text."""
    if out.get("output_type") not in ("stream", "execute_result", "display_data"):
        return False
    if out.get("output_type") == "stream" and out.get("name") != "stdout":
        return False
    text = output_text(out)
    return any(m in text for m in DEGRADED_MARKERS)


def problems_of(nb):
    """[(cell number (1-based among all cells), first source line, [text, ...])] for cells with
    error outputs, stderr streams, or rich outputs that degraded to a text dump of their MIME bundle."""
    found = []
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        texts = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                texts.append("stderr: " + out.get("text", ""))
            elif out.get("output_type") == "error":
                tb = "\n".join(out.get("traceback", [])) or "%s: %s" % (out.get("ename"), out.get("evalue"))
                texts.append("error: " + tb)
            elif degraded(out):
                texts.append("rich output degraded to text (display did not reach the kernel): "
                             + output_text(out)[:300])
        if texts:
            found.append((i, first_line(cell.source), texts))
    return found


def iso_to_epoch(value):
    from datetime import datetime
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def run_one(nb_path, out_dir, timeout, kernel, html):
    """Execute one notebook; returns a plain dict (it crosses a process boundary)."""
    setup_env()
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    name = os.path.splitext(os.path.basename(nb_path))[0]
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        startup_timeout=240,
        allow_errors=False,
        record_timing=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(nb_path))}},
    )
    t0 = time.time()
    failure = None
    try:
        client.execute()
    except CellExecutionError:
        failure = "a cell failed"
    except Exception as e:  # DeadKernelError, CellTimeoutError, kernel start failures, ...
        failure = "%s: %s" % (type(e).__name__, e)
    elapsed = time.time() - t0

    # kernel start = until the first cell went busy (record_timing metadata)
    kernel_start = None
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if code_cells:
        busy = code_cells[0].get("metadata", {}).get("execution", {}).get("iopub.status.busy")
        ts = iso_to_epoch(busy) if busy else None
        if ts:
            kernel_start = ts - t0
    not_run = sum(1 for c in code_cells if c.source.strip() and c.get("execution_count") is None)

    os.makedirs(out_dir, exist_ok=True)
    ipynb_out = os.path.join(out_dir, name + ".ipynb")
    nbformat.write(nb, ipynb_out)
    html_out = None
    if html:
        from nbconvert import HTMLExporter
        body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
        html_out = os.path.join(out_dir, name + ".html")
        with open(html_out, "w", encoding="utf-8") as f:
            f.write(body)
    problems = problems_of(nb)
    return {
        "path": nb_path,
        "ok": failure is None and not problems,
        "failure": failure,
        "problems": problems,
        "not_run": not_run,
        "elapsed": elapsed,
        "kernel_start": kernel_start,
        "ipynb": ipynb_out,
        "html": html_out,
    }


def shown(path):
    """Path relative to the working directory when inside it, else absolute."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def report(r):
    rel = shown(r["path"])
    timing = "%.1f s" % r["elapsed"]
    if r["kernel_start"] is not None:
        timing += ", kernel ready after %.1f s" % r["kernel_start"]
    if r["ok"]:
        print("ok   %s (%s)" % (rel, timing))
    else:
        print("FAIL %s (%s)" % (rel, timing))
        if r["failure"]:
            print("  %s" % r["failure"])
        for num, src, texts in r["problems"]:
            print("  cell %d: %s" % (num, src))
            for t in texts:
                print("    " + t.rstrip().replace("\n", "\n    "))
        if r["not_run"]:
            print("  %d later code cell(s) were not executed" % r["not_run"])
    outs = [shown(p) for p in (r["ipynb"], r["html"]) if p]
    print("     -> " + ", ".join(outs))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="notebooks to run in parallel (default 1)")
    ap.add_argument("-o", "--out", default=os.path.join(ROOT, "out"), help="output directory (default out/)")
    ap.add_argument("--timeout", type=int, default=300, help="per-cell timeout in seconds (default 300)")
    ap.add_argument("--kernel", default="tslab", help="kernel name (default tslab)")
    ap.add_argument("--no-html", action="store_true", help="skip the HTML export")
    args = ap.parse_args()

    setup_env()
    if args.kernel in ("tslab", "jslab") and not os.path.exists(os.path.join(JUPYTER_DATA, "kernels", args.kernel, "kernel.json")):
        print("run-notebooks: no %s kernelspec in %s; run: bash scripts/setup.sh --kernel-only" % (args.kernel, JUPYTER_DATA), file=sys.stderr)
        return 2
    notebooks = args.notebooks
    if not notebooks:
        nbdir = os.path.join(ROOT, "notebooks")
        notebooks = sorted(os.path.join(nbdir, f) for f in os.listdir(nbdir) if f.endswith(".ipynb")) if os.path.isdir(nbdir) else []
    if not notebooks:
        print("run-notebooks: no notebooks to run", file=sys.stderr)
        return 2
    missing = [p for p in notebooks if not os.path.isfile(p)]
    if missing:
        print("run-notebooks: not found: " + ", ".join(missing), file=sys.stderr)
        return 2
    names = [os.path.splitext(os.path.basename(p))[0] for p in notebooks]
    if len(set(names)) != len(names):
        print("run-notebooks: two notebooks have the same name; outputs would collide", file=sys.stderr)
        return 2

    out_dir = os.path.abspath(args.out)
    results = []
    t0 = time.time()
    job_args = [(p, out_dir, args.timeout, args.kernel, not args.no_html) for p in notebooks]
    if args.jobs <= 1 or len(notebooks) == 1:
        for a in job_args:
            r = run_one(*a)
            report(r)
            results.append(r)
    else:
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx) as pool:
            futures = [pool.submit(run_one, *a) for a in job_args]
            for fut in concurrent.futures.as_completed(futures):
                r = fut.result()
                report(r)
                results.append(r)
    failed = [r for r in results if not r["ok"]]
    print("%d notebook(s), %d failed, %.1f s; outputs in %s" % (len(results), len(failed), time.time() - t0, shown(out_dir)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
