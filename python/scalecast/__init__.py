# SPDX-License-Identifier: GPL-3.0-or-later
"""scalecast from Python: forecasts of downstream benchmark scores of language models.

A thin layer over the C library (libscalecast, through cffi): every number comes from the same
code the ``scalecast`` tool runs. Inputs are paths, :class:`Table` objects, dicts of numpy arrays
or pandas DataFrames; outputs are numpy arrays and plain dicts (the library's JSON documents
where it has one), and DataFrames on request when pandas is importable. Errors raise
:class:`ScalecastError` with the library's message, file, line and column.

See docs/python.md.
"""
import json
import math
import os

import numpy as np

from ._ffi import ffi, lib, HEADER, LIBRARY  # noqa: F401  (ffi for advanced use)

__all__ = [
    "ScalecastError", "Table", "Fit", "SavedFit", "version", "laws", "laws_document", "read_csv", "read_lmeval",
    "load_runs", "load", "fit", "load_fit", "chance_level", "backtest", "obs", "chain",
    "chain_logs", "chain_aggregate", "chain_aggregate_files", "passuntil_estimate", "passuntil_task", "passuntil_fit",
]

# Status codes (include/scalecast.h): name of each value, for the exception.
_STATUS = {
    0: "ok", 1: "nomem", 2: "inval", 3: "io", 4: "parse", 5: "type", 6: "nocol", 7: "empty",
    8: "domain", 9: "toofew", 10: "noconv", 11: "unknown", 12: "chance", 13: "internal",
    14: "dup", 15: "numeric",
}


class ScalecastError(Exception):
    """An error reported by libscalecast.

    Attributes: ``status`` (the sc_status number), ``code`` (its short name: "parse",
    "domain", ...), ``message`` (the library's one-line message), ``file``, ``line`` and
    ``column`` (1-based; "" and 0 when not applicable). ``str(e)`` reads like the tool's
    error line: ``file:line:column: message``.
    """

    def __init__(self, status, message, file="", line=0, column=0):
        self.status = int(status)
        self.code = _STATUS.get(self.status, str(self.status))
        self.message = message
        self.file = file
        self.line = int(line)
        self.column = int(column)
        where = ":".join(str(p) for p in (file, line or "", column or "") if p != "")
        super().__init__("%s: %s" % (where, message) if where else message)


def _str(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else None


def _raise(status, err):
    msg = _str(err.message) or _str(lib.sc_strerror(status))
    raise ScalecastError(status, msg, _str(err.file), err.line, err.column)


class _Err:
    """An sc_error for one call: ``with _Err() as e: e.check(lib.f(..., e.p))``."""

    def __init__(self):
        self.p = ffi.new("sc_error *")
        lib.sc_error_clear(self.p)

    def check(self, status, file=None):
        if status != lib.SC_OK:
            if file and not _str(self.p.file):
                self.p.file = file.encode()[:255]
            _raise(status, self.p)


def _fail(status, message, file="", line=0, column=0):
    raise ScalecastError(status, message, file, line, column)


def _enc(s):
    return os.fsencode(s) if isinstance(s, os.PathLike) else str(s).encode("utf-8")


def _json_doc(fn, *args):
    """Calls a library serialiser ``fn(..., char **out, sc_error *err)`` and parses its JSON.

    Every result type the library serialises is bound through this one helper, so that binding
    a new document (e.g. a forecast) is one line: ``_json_doc(lib.sc_x_string, x)``."""
    out = ffi.new("char **")
    e = _Err()
    e.check(fn(*args, out, e.p))
    try:
        return json.loads(ffi.string(out[0]).decode("utf-8"))
    finally:
        lib.sc_free(out[0])


def version():
    """The library's version (SC_VERSION_STRING of its header)."""
    import re
    m = re.search(r'#define\s+SC_VERSION_STRING\s+"([^"]+)"', open(HEADER, encoding="utf-8").read())
    return m.group(1) if m else None


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("pandas is not installed: use to_dict() for numpy arrays") from None
    return pandas


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------
class Table:
    """A table of named columns (numeric as float64 arrays, NaN = missing; text as lists of
    str or None), held by the library. Positions of cells in the file they were read from are
    kept, so that errors found later name the file, line and column.

    ``t["col"]`` gives a column, ``t.columns`` the names, ``len(t)`` the rows,
    ``t.to_dict()`` a dict of arrays and ``t.to_pandas()`` a DataFrame.
    """

    def __init__(self, ptr):
        self._p = ffi.gc(ptr, lib.sc_table_free)

    @classmethod
    def from_dict(cls, data):
        """A table from a dict of columns (or a pandas DataFrame): numeric columns become
        numbers (NaN = missing), everything else text (None = missing)."""
        if hasattr(data, "to_dict") and hasattr(data, "columns") and not isinstance(data, dict):
            data = {str(c): data[c].to_numpy() for c in data.columns}
        t = lib.sc_table_new()
        if t == ffi.NULL:
            _fail(1, "out of memory")
        tab = cls(t)
        n = None
        for name, col in data.items():
            arr = np.asarray(col)
            if n is None:
                n = len(arr)
            if len(arr) != n:
                _fail(2, "column \"%s\" has %d values, the first column %d" % (name, len(arr), n))
            if arr.dtype.kind in "biuf":
                v = np.ascontiguousarray(arr, dtype=np.float64)
                st = lib.sc_table_add_num(t, _enc(name), ffi.from_buffer("double[]", v), len(v))
            else:
                keep = [ffi.new("char[]", _enc(x)) if x is not None else ffi.NULL for x in arr]
                ptrs = ffi.new("char *[]", keep) if keep else ffi.new("char *[]", 1)
                st = lib.sc_table_add_text(t, _enc(name), ptrs, len(keep))
            if st != lib.SC_OK:
                _fail(st, "column \"%s\": %s" % (name, _str(lib.sc_strerror(st))))
        return tab

    @property
    def columns(self):
        return [_str(lib.sc_table_colname(self._p, j)) for j in range(lib.sc_table_ncols(self._p))]

    @property
    def source(self):
        """The file the table was read from ("" when built in memory)."""
        return _str(lib.sc_table_source(self._p))

    def __len__(self):
        return int(lib.sc_table_nrows(self._p))

    def __contains__(self, name):
        return lib.sc_table_find(self._p, _enc(name)) >= 0

    def _col(self, j):
        n = len(self)
        if lib.sc_table_coltype(self._p, j) == lib.SC_COL_NUM:
            buf = lib.sc_table_num(self._p, j)
            return np.frombuffer(ffi.buffer(buf, n * 8), dtype=np.float64).copy() if n else np.zeros(0)
        return [_str(lib.sc_table_text(self._p, j, i)) for i in range(n)]

    def __getitem__(self, name):
        j = lib.sc_table_find(self._p, _enc(name))
        if j < 0:
            e = _Err()
            e.check(lib.sc_table_require(self._p, _enc(name), ffi.new("size_t *"), e.p))
        return self._col(j)

    def to_dict(self):
        """{column: numpy array (numeric) or list (text)}, in column order."""
        return {name: self._col(j) for j, name in enumerate(self.columns)}

    def to_pandas(self):
        return _pandas().DataFrame(self.to_dict())

    def where(self, **equal):
        """The rows whose numeric columns equal the given values (``t.where(tpr=20)``), as
        ``scalecast fit --where``."""
        t = self
        for col, v in equal.items():
            out = ffi.new("sc_table **")
            e = _Err()
            e.check(lib.sc_table_filter_range(t._p, _enc(col), float(v), float(v), out, e.p))
            t = Table(out[0])
        return t

    def __repr__(self):
        return "<scalecast.Table %d rows x %d columns from %r>" % (len(self), len(self.columns),
                                                                  self.source)


def _as_table(data):
    if isinstance(data, Table):
        return data
    if isinstance(data, (str, os.PathLike)):
        return load(data)
    return Table.from_dict(data)


def read_csv(path, delimiter=","):
    """Reads a CSV file (RFC 4180) into a :class:`Table`."""
    opts = ffi.new("sc_csv_opts *", {"delimiter": _enc(delimiter)[:1]})
    out = ffi.new("sc_table **")
    e = _Err()
    e.check(lib.sc_csv_read(_enc(path), opts, out, e.p))
    return Table(out[0])


def read_lmeval(path):
    """lm-evaluation-harness aggregated results: one results JSON file, or a folder searched
    recursively (one row per model and revision; columns "model", "revision", "source" and
    "<task>:<metric>")."""
    out = ffi.new("sc_table **")
    e = _Err()
    fn = lib.sc_lmeval_results_read_dir if os.path.isdir(path) else lib.sc_lmeval_results_read
    e.check(fn(_enc(path), out, e.p))
    return Table(out[0])


def load_runs(path, all_checkpoints=False):
    """Runs of a ladder: the Krajewski et al. long file or an OLMo ladder folder, one row per
    run with the columns C, N, D, tpr, run and one per metric ("arc_easy:acc_norm").
    Returns (table, info dict)."""
    out = ffi.new("sc_table **")
    info = ffi.new("sc_runs_info *")
    e = _Err()
    e.check(lib.sc_runs_load(_enc(path), int(bool(all_checkpoints)), out, info, e.p))
    return Table(out[0]), {"runs": info.nruns, "duplicates": info.nduplicates,
                           "approx_flops": bool(info.approx_flops), "olmo": bool(info.olmo)}


def load(path):
    """Reads a data file the way ``scalecast fit`` does: a folder as an OLMo ladder, a long
    file (columns benchmark, metric_type, score) as runs, any other CSV file as it is."""
    if os.path.isdir(path):
        return load_runs(path)[0]
    t = read_csv(path)
    if all(c in t for c in ("benchmark", "metric_type", "score")):
        return load_runs(path)[0]
    return t


# --------------------------------------------------------------------------------------------
# Laws, fits and predictions
# --------------------------------------------------------------------------------------------
def _law_info(law):
    p, nx = law.nparam, law.nx
    shown = law.shown_names if law.shown_names != ffi.NULL else law.param_names
    return {"name": _str(law.name), "formula": _str(law.formula),
            "params": [_str(law.param_names[k]) for k in range(p)],
            "shown": [_str(shown[k]) for k in range(p)],
            "x": [_str(law.x_names[k]) for k in range(nx)] if law.x_names != ffi.NULL else [],
            "space": _str(lib.sc_space_name(law.space))}


def laws():
    """Every registered law: a list of dicts (name, formula, params, shown, x, space).
    ``laws_document()`` is the list ``scalecast laws --json`` writes."""
    out, arr = [], lib.sc_laws()
    i = 0
    while arr[i] != ffi.NULL:
        out.append(_law_info(arr[i]))
        i += 1
    return out


def laws_document():
    """The registered laws as ``scalecast laws --json`` writes them."""
    return _json_doc(lib.sc_laws_doc_string)


def _find_law(name):
    law = lib.sc_law_find(_enc(name))
    if law == ffi.NULL:
        _fail(lib.SC_EUNKNOWN, "unknown law \"%s\" (known: %s)" %
              (name, ", ".join(l["name"] for l in laws())))
    return law


def chance_level(benchmark):
    """The built-in chance level of a benchmark ("arc_easy:acc" -> 0.25)."""
    q = ffi.new("double *")
    st = lib.sc_chance_level(_enc(benchmark), q)
    if st != lib.SC_OK:
        _fail(st, "no built-in chance level for \"%s\"" % benchmark)
    return q[0]


def _doubles(a):
    a = np.ascontiguousarray(a, dtype=np.float64)
    return a, ffi.from_buffer("double[]", a)


def _array(ptr, n):
    if ptr == ffi.NULL:
        return None
    return np.frombuffer(ffi.buffer(ptr, n * 8), dtype=np.float64).copy() if n else np.zeros(0)


class Fit:
    """A fitted law. ``params`` (natural scale, e.g. A = e^a) and ``theta`` (fit space) are
    dicts; ``to_dict()`` is the fit document, identical to ``scalecast fit --json``;
    ``predict(x)`` evaluates the law, with bootstrap intervals when the fit was bootstrapped."""

    def __init__(self, fit_ptr, boot_ptr, doc_fields, keep):
        self._fit = ffi.gc(fit_ptr, lib.sc_fit_free)
        self._boot = ffi.gc(boot_ptr, lib.sc_boot_free) if boot_ptr != ffi.NULL else None
        self._fields = doc_fields
        self._keep = keep  # memory the document fields point into
        self.law = _law_info(fit_ptr.law)
        self._doc = None

    def to_dict(self):
        if self._doc is None:
            doc = ffi.new("sc_fit_doc *")
            lib.sc_fit_doc_init(doc, self._fit)
            for k, v in self._fields.items():
                setattr(doc, k, v)
            doc.boot = self._boot if self._boot is not None else ffi.NULL
            self._doc = _json_doc(lib.sc_fit_doc_string, doc)
        return self._doc

    @property
    def params(self):
        return dict(self.to_dict()["params"])

    @property
    def theta(self):
        return dict(self.to_dict()["theta"])

    @property
    def converged(self):
        return bool(self._fit.converged)

    @property
    def chance(self):
        c = self._fields.get("chance", math.nan)
        return None if math.isnan(c) else c

    def predict(self, x, level=None, chance=True):
        """Predicted y at points x (m values, or m x nx for laws with several covariates).
        For a direct law fitted to chance-normalised accuracy, accuracy Q = Q0 + (1 - Q0) Q'
        (chance=False: Q'). With ``level`` (e.g. 0.8) and a bootstrapped fit, returns
        (y, lo, hi): percentile intervals over the resamples."""
        nx = self.law and len(self.law["x"]) or 1
        xs = np.asarray(x, dtype=np.float64).reshape(-1, nx)
        xa, xp = _doubles(xs)
        m = xs.shape[0]
        y = np.empty(m)
        lib.sc_fit_predict(self._fit, xp, m, ffi.from_buffer("double[]", y))
        q0 = self.chance if chance else None
        den = (lambda v: q0 + (1 - q0) * v) if q0 is not None else (lambda v: v)
        if level is None:
            return den(y)
        if self._boot is None:
            _fail(lib.SC_EINVAL, "intervals need a bootstrapped fit (fit(..., bootstrap=B))")
        lo, hi = np.empty(m), np.empty(m)
        plo, phi = ffi.new("double *"), ffi.new("double *")
        for i in range(m):
            st = lib.sc_boot_predict_interval(self._boot, self._fit.law, xp + i * nx, float(level),
                                              plo, phi)
            lo[i], hi[i] = (plo[0], phi[0]) if st == lib.SC_OK else (math.nan, math.nan)
        return den(y), den(lo), den(hi)

    def save(self, path):
        """Writes the fit document (what ``scalecast predict`` reads)."""
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_dict(), f, separators=(",", ":"))
            f.write("\n")

    def __repr__(self):
        return "<scalecast.Fit %s %s>" % (self.law["name"], self.params)


def _parse_loss(loss):
    if loss == "ls":
        return lib.SC_LOSS_LS, 0.0
    if loss == "huber":
        return lib.SC_LOSS_HUBER, 1e-3
    if isinstance(loss, str) and loss.startswith("huber:"):
        d = float(loss[6:])
        if not d > 0:
            _fail(lib.SC_EINVAL, "the Huber delta must be > 0")
        return lib.SC_LOSS_HUBER, d
    _fail(lib.SC_EUNKNOWN, "loss: expected ls, huber or huber:DELTA, got %r" % (loss,))


def _select_points(t, law, x, n, d, c, y, chance, margin, max_x, drop_top):
    """The points of a fit from a table, as `scalecast fit` selects them."""
    nx = law.nx
    src = t.source
    cols = {name: t[name] for name in t.columns}

    def num(name):
        jp = ffi.new("size_t *")
        e = _Err()
        e.check(lib.sc_table_require_num(t._p, _enc(name), jp, e.p))
        return cols[name], jp[0]

    use_c = False
    if n or d or c:
        if nx != 2 or x:
            _fail(lib.SC_EINVAL, "n/d/c are for two-covariate laws (N, D); give x for %s" % _str(law.name))
        if not n or (d is None) == (c is None):
            _fail(lib.SC_EINVAL, "give n and one of d or c")
        xcols = [num(n), num(d if d else c)]
        xnames = [n, d if d else "D = C/(6N)"]
        use_c = c is not None
    else:
        if x is None:
            _fail(lib.SC_EINVAL, "give the covariates with x (law %s needs %d)" % (_str(law.name), nx))
        xs = [x] if isinstance(x, str) else list(x)
        if len(xs) != nx:
            _fail(lib.SC_EINVAL, "law %s takes %d covariate(s), got %d" % (_str(law.name), nx, len(xs)))
        xcols = [num(name) for name in xs]
        xnames = xs
    yv, jy = num(y)
    q0 = math.nan
    if chance is not None:
        q0 = chance_level(y) if chance == "auto" else float(chance)
        if not 0 <= q0 < 1:
            _fail(lib.SC_EINVAL, "chance: expected a level in [0, 1) or \"auto\", got %r" % (chance,))
    rows = len(t)
    X = np.column_stack([col for col, _ in xcols]) if rows else np.zeros((0, nx))
    e = _Err()

    def cell_error(i, j, what):
        line, col = ffi.new("size_t *"), ffi.new("size_t *")
        lib.sc_table_cell_pos(t._p, i, j, line, col)
        _fail(lib.SC_EDOMAIN, "column \"%s\": %s" % (t.columns[j], what), src, line[0], col[0])

    missing = np.isnan(yv) | np.isnan(X).any(axis=1)
    keep_idx, pts, ys = [], [], []
    nchance = nabove = 0
    why = ffi.new("char[96]")
    for i in range(rows):
        if missing[i]:
            continue
        xi = X[i].copy()
        for k in range(nx):
            if not math.isfinite(xi[k]):
                cell_error(i, xcols[k][1], "expected a finite number, got %g" % xi[k])
        if not math.isfinite(yv[i]):
            cell_error(i, jy, "expected a finite number, got %g" % yv[i])
        cval = math.nan
        if use_c:
            if not xi[0] > 0:
                cell_error(i, xcols[0][1], "N must be > 0, got %g" % xi[0])
            if not xi[1] > 0:
                cell_error(i, xcols[1][1], "C must be > 0, got %g" % xi[1])
            cval = xi[1]
            xi[1] = cval / (6.0 * xi[0])  # C = 6 N D (Kaplan et al. 2020)
        v = yv[i]
        if chance is not None:
            if not 0 <= v <= 1:
                cell_error(i, jy, "accuracy must lie in [0, 1], got %g" % v)
            if not v > q0 + margin or v >= 1:
                nchance += 1
                continue
            v = lib.sc_chance_normalise(v, q0)
        if law.check != ffi.NULL:
            xp = ffi.new("double[]", list(xi))
            if law.check(xp, v, why, 96) != lib.SC_OK:
                reason = _str(why)
                jbad = jy
                for k in range(nx):
                    xn = _str(law.x_names[k]) if law.x_names != ffi.NULL else None
                    if xn and (reason == xn or reason.startswith(xn + " ")):
                        jbad = xcols[k][1]
                cell_error(i, jbad, reason)
        along = cval if use_c else xi[0]
        if along > max_x:
            nabove += 1
            continue
        keep_idx.append(i)
        pts.append(xi)
        ys.append(v)
    if chance is not None and not pts and nchance:
        _fail(lib.SC_ECHANCE, "all %d points of \"%s\" are at or below chance (%g + margin %g): "
              "nothing to fit" % (nchance, y, q0, margin), src)
    ndropped = 0
    if drop_top:
        if drop_top >= len(pts):
            _fail(lib.SC_ETOOFEW, "dropping the %d largest y leaves no points (%d usable)"
                  % (drop_top, len(pts)), src)
        order = sorted(range(len(ys)), key=lambda k: -ys[k])  # stable, as the tool's sort
        drop = set(order[:drop_top])
        keep_idx = [r for k, r in enumerate(keep_idx) if k not in drop]
        pts = [p for k, p in enumerate(pts) if k not in drop]
        ys = [v for k, v in enumerate(ys) if k not in drop]
        ndropped = drop_top
    del e
    return {"x": np.array(pts, dtype=np.float64).reshape(-1, nx), "y": np.array(ys),
            "row": keep_idx, "xnames": xnames, "q0": q0, "rows": rows,
            "nmissing": int(missing.sum()), "nchance": nchance, "nabove": nabove,
            "ndropped": ndropped}


def fit(data, law, y, x=None, n=None, d=None, c=None, chance=None, margin=0.05, where=None,
        max_x=math.inf, drop_top=0, loss="ls", starts="grid", seed=1, bootstrap=0, level=0.8,
        threads=0, file=None):
    """Fits ``law`` to the rows of ``data`` (a path, Table, dict of arrays or DataFrame), with
    the options of ``scalecast fit``: ``y`` the observed column, ``x`` the covariate column(s)
    or ``n`` with ``d`` or ``c`` (D = C / 6N) for two-covariate laws, ``chance`` a level or
    "auto" for the direct laws (fit Q' = (Q - Q0) / (1 - Q0), points within ``margin`` of
    chance left out), ``where`` a dict of column = value filters, ``max_x``, ``drop_top``,
    ``loss`` ("ls" or "huber:DELTA"), ``starts`` ("grid" or a number of seeded random starts),
    ``bootstrap`` resamples at ``level``. Returns a :class:`Fit`."""
    if starts != "grid":
        _fail(lib.SC_EINVAL, "starts: only the law's grid is offered from Python for now")
    lw = _find_law(law)
    file = file if file is not None else (str(data) if isinstance(data, (str, os.PathLike)) else "")
    t = _as_table(data)
    if where:
        t = t.where(**where)
    pts = _select_points(t, lw, x, n, d, c, y, chance, margin, max_x, drop_top)
    kind, delta = _parse_loss(loss)
    o = ffi.new("sc_fit_opts *")
    lib.sc_fit_opts_init(o)
    o.loss = kind
    if delta > 0:
        o.huber_delta = delta
    o.seed = int(seed)
    o.threads = int(threads)
    xa, xp = _doubles(pts["x"])
    ya, yp = _doubles(pts["y"])
    out = ffi.new("sc_fit **")
    e = _Err()
    e.check(lib.sc_fit_run(lw, xp, yp, len(ya), o, out, e.p), file)
    boot = ffi.NULL
    if bootstrap:
        ob = ffi.new("sc_fit_opts *", o[0])
        ob.starts = out[0].theta
        ob.nstarts = 1
        ob.nrandom = 0
        ob.no_covariance = 1
        bout = ffi.new("sc_boot **")
        st = lib.sc_bootstrap(lw, xp, yp, len(ya), ffi.NULL, int(bootstrap), int(seed), ob, bout, e.p)
        if st != lib.SC_OK:
            lib.sc_fit_free(out[0])
            e.check(st)
        boot = bout[0]
    keep = {"file": ffi.new("char[]", _enc(file)), "y": ffi.new("char[]", _enc(y)),
            "xn": [ffi.new("char[]", _enc(s)) for s in pts["xnames"]],
            "rows": ffi.new("size_t[]", pts["row"] or [0])}
    keep["xarr"] = ffi.new("char *[]", keep["xn"])
    fields = {"seed": int(seed), "level": float(level), "file": keep["file"],
              "x_columns": keep["xarr"], "y_column": keep["y"], "chance": pts["q0"],
              "rows": pts["rows"], "at_chance_left_out": pts["nchance"],
              "skipped_missing": pts["nmissing"], "above_max_x": pts["nabove"],
              "dropped_top": pts["ndropped"], "row_index": keep["rows"]}
    return Fit(out[0], boot, fields, keep)


class SavedFit:
    """A fit read back from its document (``scalecast fit --json`` or :meth:`Fit.save`)."""

    def __init__(self, s, doc):
        self._s = s
        self.law = _law_info(s.law)
        self.theta = {self.law["params"][k]: s.theta[k] for k in range(len(self.law["params"]))}
        self.chance = None if math.isnan(s.chance) else s.chance
        self.doc = doc

    def predict(self, x):
        """Predicted y at points x; accuracy (not Q') for a chance-normalised direct law."""
        nx = len(self.law["x"]) or 1
        xs = np.asarray(x, dtype=np.float64).reshape(-1, nx)
        xa, xp = _doubles(xs)
        y = np.empty(xs.shape[0])
        lib.sc_saved_fit_predict(self._s, xp, xs.shape[0], ffi.from_buffer("double[]", y))
        return y


def load_fit(path):
    """Reads a fit document."""
    s = ffi.new("sc_saved_fit *")
    e = _Err()
    e.check(lib.sc_saved_fit_read(_enc(path), s, e.p))
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return SavedFit(s, doc)


# --------------------------------------------------------------------------------------------
# Backtest (Krajewski et al. 2025)
# --------------------------------------------------------------------------------------------
def _metrics(m):
    return {"n": m.n, "mre_percent": m.mre, "mae": m.mae, "mse": m.mse, "rmse": m.rmse, "r2": m.r2}


def backtest(runs, cutoff, benchmarks=None, laws=None, chance=None, loss=None, tpr=None,
             max_n=None, tpr_fit_max=None, margin=0.05, bnsl_starts=100, seed=1, threads=0):
    """Fits direct laws and two-stage baselines on the runs with C <= cutoff and scores their
    extrapolation to the others (``scalecast backtest``). ``runs`` is a path (read with
    :func:`load_runs`) or a runs Table. Returns a dict: "benchmarks" (one dict per benchmark
    with its runs and, per law, status, metrics, parameters and held-out predictions) and
    "means" per law."""
    path = None
    if isinstance(runs, (str, os.PathLike)):
        path = str(runs)
        runs = load_runs(runs)[0]
    o = ffi.new("sc_backtest_opts *")
    lib.sc_backtest_opts_init(o)
    o.cutoff = float(cutoff)
    for k, v in (("max_n", max_n), ("tpr", tpr), ("tpr_fit_max", tpr_fit_max)):
        if v is not None:
            setattr(o, k, float(v))
    o.margin = float(margin)
    o.bnsl_starts = int(bnsl_starts)
    o.seed = int(seed)
    o.threads = int(threads)
    keep = []
    if benchmarks is not None:
        names = [ffi.new("char[]", _enc(b)) for b in benchmarks]
        keep += names
        arr = ffi.new("char *[]", names)
        keep.append(arr)
        o.benchmarks = arr
        o.nbench = len(names)
        if chance is not None:
            ch = ffi.new("double[]", [float(chance.get(b, math.nan)) if isinstance(chance, dict)
                                      else float(chance) for b in benchmarks])
            keep.append(ch)
            o.chance = ch
    elif chance is not None:
        _fail(lib.SC_EINVAL, "chance levels need the list of benchmarks")
    if laws is not None and laws != "all":
        ms = ffi.new("sc_bt_model[]", len(laws))
        for k, name in enumerate(laws):
            st = lib.sc_bt_model_find(_enc(name), ms + k)
            if st != lib.SC_OK:
                _fail(st, "unknown backtest law \"%s\"" % name)
        keep.append(ms)
        o.models = ms
        o.nmodels = len(laws)
    if loss is not None:
        lo = ffi.new("char[]", _enc(loss))
        keep.append(lo)
        o.loss = lo
    out = ffi.new("sc_backtest **")
    e = _Err()
    e.check(lib.sc_backtest_run(runs._p, o, out, e.p), path)
    bt = ffi.gc(out[0], lib.sc_backtest_free)
    models = [_str(lib.sc_bt_model_name(bt.models[m])) for m in range(bt.nmodels)]
    res = {"cutoff": o.cutoff, "laws": models, "benchmarks": [], "means": {}}
    for b in range(bt.nbench):
        B = bt.bench[b]
        held = np.frombuffer(ffi.buffer(B.held, B.n), dtype=np.uint8).astype(bool) if B.n else np.zeros(0, bool)
        bench = {"name": _str(B.name), "chance": B.chance, "runs": B.n, "held_out": B.nheld,
                 "near_chance": bool(B.near_chance), "C": _array(B.C, B.n), "N": _array(B.N, B.n),
                 "D": _array(B.D, B.n), "tpr": _array(B.tpr, B.n), "y": _array(B.y, B.n),
                 "held": held, "fits": {}}
        for m in range(bt.nmodels):
            cell = bt.cell[b * bt.nmodels + m]
            ok = cell.status == lib.SC_OK
            bench["fits"][models[m]] = {
                "status": _STATUS.get(cell.status, str(cell.status)),
                "why": _str(cell.why) if not ok else "",
                "fit_runs": cell.nfit, "held_out": cell.nheld, "excluded_at_chance": cell.nexcluded,
                "metrics": _metrics(cell.m) if ok else None,
                "theta": [cell.theta[k] for k in range(cell.p)] if ok else None,
                "objective": cell.loss if ok else None, "converged": bool(cell.converged),
                "predictions": _array(cell.pred, cell.nheld) if ok else None,
            }
        res["benchmarks"].append(bench)
    for m in range(bt.nmodels):
        res["means"][models[m]] = {
            "mean_mre_percent": bt.mean_mre[m], "mean_mae": bt.mean_mae[m],
            "benchmarks": bt.nmean[m], "mean_mre_percent_not_near_chance": bt.mean_mre_ok[m],
            "mean_mae_not_near_chance": bt.mean_mae_ok[m], "benchmarks_not_near_chance": bt.nmean_ok[m]}
    return res


# --------------------------------------------------------------------------------------------
# Observational scaling laws (Ruan et al. 2024)
# --------------------------------------------------------------------------------------------
def _cstr_list(p):
    out, i = [], 0
    while p[i] != ffi.NULL:
        out.append(_str(p[i]))
        i += 1
    return out


def obs(data, y=None, metrics=None, pcs=3, cutoff=84.0, model="Model",
        family="Model Family", flops="FLOPs (1E21)", size="Model Size (B)", keep=None,
        default_families=True, reference="Llama-2", target_scale=0.0, target_chance=0.0,
        select=0, random_sets=0, seed=1, split="cutoff", top=0.1, target=None):
    """Observational scaling on a benchmark matrix (a path or list of paths joined on the model
    column, a Table, dict or DataFrame): imputation, capability PCs on the models trained with
    at most ``cutoff`` FLOPs (unit of the column), a floored sigmoid link of the target ``y``,
    family efficiencies and equivalent FLOPs (``target`` is the old name of ``y``). Rows:
    ``keep`` (a boolean array), else with ``default_families`` the paper's families without
    the models released later (as ``scalecast obs`` without ``--models all``). ``split``: "cutoff" (train on FLOPs <= cutoff),
    "top" (test on the ``top`` fraction by the target), "later" (test on the models released
    later), "none" (no test models) or a boolean array over the kept rows. Returns
    the document of ``scalecast obs --json`` (a dict) with, under "arrays", numpy arrays of the
    scores, the imputed matrix, the components and the predictions."""
    if target is not None:
        if y is not None:
            _fail(lib.SC_EINVAL, "give the target once (y; target is its old name)")
        y = target
    target = y
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], (str, os.PathLike)):
        tabs = [read_csv(p) for p in data]
        sources = tabs
        if len(tabs) == 1:
            t = tabs[0]
        else:
            arr = ffi.new("sc_table *[]", [x._p for x in tabs])
            out = ffi.new("sc_table **")
            e = _Err()
            e.check(lib.sc_obs_join(arr, len(tabs), _enc(model), out, e.p))
            t = Table(out[0])
    else:
        t = _as_table(data)
        sources = [t] if t.source else []
    if metrics is None:
        metrics = _cstr_list(lib.sc_obs_default_metrics())
    n = len(t)
    mem = [ffi.new("char[]", _enc(x)) for x in (model, family, flops, size)]
    e = _Err()
    if keep is None and default_families:
        # The models of `scalecast obs` without --models all (sc_obs_select_models).
        kp = ffi.new("unsigned char[]", max(n, 1))
        later = isinstance(split, str) and split == "later"
        ms = ffi.new("sc_obs_model_set *", {"model_col": mem[0], "family_col": mem[1],
                                            "all_models": 0, "add_later": int(later)})
        e.check(lib.sc_obs_select_models(t._p, ms, kp, ffi.NULL, ffi.new("size_t *"), e.p))
        keep = [bool(kp[i]) for i in range(n)]
    keepc = ffi.new("unsigned char[]", [1 if k else 0 for k in keep]) if keep is not None else ffi.NULL
    cols = ffi.new("sc_obs_columns *")
    cols.model, cols.family, cols.flops, cols.size = mem
    if metrics is not None:
        mm = [ffi.new("char[]", _enc(s)) for s in metrics]
        mem += mm
        marr = ffi.new("char *[]", mm)
        mem.append(marr)
        cols.metrics = marr
        cols.nmetrics = len(mm)
    if target is not None:
        tg = ffi.new("char[]", _enc(target))
        mem.append(tg)
        cols.target = tg
    cols.target_scale = float(target_scale)
    cols.target_chance = float(target_chance)
    if sources:
        # Values outside [0, 1] are reported where they stand in their files.
        issue = ffi.new("sc_obs_domain_issue *")
        e.check(lib.sc_obs_check_domain(ffi.new("sc_table *[]", [x._p for x in sources]),
                                        len(sources), t._p, keepc, cols, issue, e.p))
    tdp = ffi.new("sc_obs_table_data **")
    e.check(lib.sc_obs_table_data_new(t._p, keepc, cols, tdp, e.p))
    td = ffi.gc(tdp[0], lib.sc_obs_table_data_free)
    o = ffi.new("sc_obs_opts *")
    lib.sc_obs_opts_init(o)
    o.k = int(pcs)
    o.cutoff = float(cutoff)
    ref = ffi.new("char[]", _enc(reference))
    o.reference_family = ref
    o.select_budget = int(select)
    o.select_random = int(random_sets)
    o.seed = int(seed)
    d = ffi.new("sc_obs_data *", td.data)
    if isinstance(split, str) and split == "top":
        o.split = lib.SC_OBS_SPLIT_TOP
        o.top_fraction = float(top)
    elif not (isinstance(split, str) and split == "cutoff"):
        o.split = lib.SC_OBS_SPLIT_GIVEN
        if isinstance(split, str) and split == "later":
            test = [lib.sc_obs_is_later_model(d.model[i]) for i in range(d.n)]
        elif isinstance(split, str) and split == "none":
            test = [0] * d.n
        elif isinstance(split, str):
            _fail(lib.SC_EINVAL, "split: expected cutoff, top, later, none or an array, got %r" % split)
        else:
            test = [1 if v else 0 for v in split]
            if len(test) != d.n:
                _fail(lib.SC_EINVAL, "split: %d values for %d rows" % (len(test), d.n))
        is_test = ffi.new("unsigned char[]", test or [0])
        mem.append(is_test)
        d.is_test = is_test
    rp = ffi.new("sc_obs_result **")
    e.check(lib.sc_obs_run(d, o, rp, e.p))
    r = ffi.gc(rp[0], lib.sc_obs_result_free)
    doc = ffi.new("sc_obs_doc *")
    doc.result, doc.data, doc.opts = r, d, o
    doc.target = tg if target is not None else ffi.NULL
    doc.later_split = int(isinstance(split, str) and split == "later")
    res = _json_doc(lib.sc_obs_doc_string, doc)
    k, nr, p = r.k, r.n, r.p
    arrays = {
        "is_test": np.array([bool(r.is_test[i]) for i in range(nr)], dtype=bool),
        "components": _array(r.pca.components, k * p).reshape(k, p),
        "scores": _array(r.S, nr * k).reshape(nr, k),
        "imputed": _array(r.B, nr * p).reshape(nr, p),
    }
    if r.link != ffi.NULL:
        arrays["prediction"] = _array(r.pred, nr)
        arrays["equivalent_flops"] = _array(r.eq_flops, nr)
    res["arrays"] = arrays
    return res


# --------------------------------------------------------------------------------------------
# The metric chain (Schaeffer et al. 2024)
# --------------------------------------------------------------------------------------------
_CHAIN_METRICS = [_str(lib.sc_chain_metric_name(q)) for q in range(lib.SC_CHAIN_NMETRICS)]
_CORR = [_str(lib.sc_corr_name(k)) for k in range(lib.SC_CORR_NKINDS)]
_SUMMARY = ("n", "nnan", "share_nan", "mean", "median", "std", "auc_ccdf", "wasserstein1",
            "energy", "ks")


def chain(logs, compute, names=None, family="", task="", filter=None, delimiter=None,
          threads=0):
    """Per-sample metric chain of a model family: ``logs`` are the per-sample log files
    (``--log_samples`` of lm-evaluation-harness), one per model, ``compute`` each model's
    training FLOPs. Returns the group of ``scalecast chain --json`` (a dict: "metrics" with
    the summaries of the per-sample correlations and the aggregate chain per metric, the
    mechanism shares, "model_means" in order of compute) plus "correlations" {metric: {kind:
    numpy array over samples}} and the samples' "doc_id"."""
    m = len(logs)
    if len(compute) != m:
        _fail(lib.SC_EINVAL, "%d logs but %d compute values" % (m, len(compute)))
    c = np.asarray(compute, dtype=np.float64)
    if not (c > 0).all():
        _fail(lib.SC_EDOMAIN, "compute must be > 0")
    lc, lcp = _doubles(np.log10(c))
    names = names or [os.path.basename(str(p)) for p in logs]
    nm = [ffi.new("char[]", _enc(s)) for s in names]
    narr = ffi.new("char *[]", nm)
    sp = ffi.new("sc_chain_set **")
    st = lib.sc_chain_set_new(m, narr, lcp, sp)
    if st != lib.SC_OK:
        _fail(st, _str(lib.sc_strerror(st)))
    s = ffi.gc(sp[0], lib.sc_chain_set_free)
    opts = ffi.NULL
    if delimiter is not None:
        dl = ffi.new("char[]", _enc(delimiter))
        opts = ffi.new("sc_lmeval_opts *", {"delimiter": dl})
    fl = ffi.new("char[]", _enc(filter)) if filter is not None else ffi.NULL
    e = _Err()
    for k, path in enumerate(logs):
        e.check(lib.sc_chain_set_read(s, k, _enc(path), fl, opts, e.p), str(path))
    rp = ffi.new("sc_chain_result **")
    e.check(lib.sc_chain_set_run(s, int(threads), rp, e.p))
    r = ffi.gc(rp[0], lib.sc_chain_result_free)
    ns, Q, K = r.nsamples, lib.SC_CHAIN_NMETRICS, lib.SC_CORR_NKINDS
    order = np.argsort(c, kind="stable")
    dp = ffi.new("sc_chain_doc **")
    st = lib.sc_chain_doc_new(dp)
    if st != lib.SC_OK:
        _fail(st, _str(lib.sc_strerror(st)))
    doc = ffi.gc(dp[0], lib.sc_chain_doc_free)
    ordered = [nm[i] for i in order]
    olc = ffi.new("double[]", [lc[i] for i in order])
    e.check(lib.sc_chain_doc_add(doc, _enc(family), _enc(task), lib.sc_chain_set_filter(s), r,
                                 ffi.new("char *[]", ordered), olc, e.p))
    res = _json_doc(lib.sc_chain_doc_string, doc)["groups"][0]
    corr = _array(r.corr, Q * K * ns).reshape(Q, K, ns)
    res["correlations"] = {_CHAIN_METRICS[q]: {_CORR[kk]: corr[q, kk] for kk in range(K)}
                           for q in range(Q)}
    res["doc_id"] = [lib.sc_chain_set_doc_id(s, i) for i in range(ns)]
    return res


def _collect(paths, ext):
    """Files given, and files ending in ext under folders given (hidden ones skipped), sorted
    by path as the tool sorts them."""
    out = []
    for p in paths:
        p = str(p)
        if not os.path.isdir(p):
            out.append(p)
            continue
        for d, dirs, names in os.walk(p):
            dirs[:] = [x for x in dirs if not x.startswith(".")]
            out += [os.path.join(d, n) for n in names if not n.startswith(".") and n.endswith(ext)
                    and len(n) > len(ext)]
    return sorted(out, key=lambda s: s.encode())


def chain_logs(paths, models, family=None, task=None, filter=None, delimiter=None, threads=0):
    """``scalecast chain`` from Python: per-sample logs (files, or folders searched for
    *.jsonl) matched to the rows of the models table ``models`` (CSV: model, revision, family,
    parameters and tokens or flops), grouped by (family, task). Returns the document of
    ``scalecast chain --json`` (a dict with one entry per group under "groups")."""
    logs = _collect(paths if isinstance(paths, (list, tuple)) else [paths], ".jsonl")
    mp = ffi.new("sc_chain_models **")
    e = _Err()
    e.check(lib.sc_chain_models_read(_enc(models), mp, e.p))
    m = ffi.gc(mp[0], lib.sc_chain_models_free)
    keep = [ffi.new("char[]", _enc(x)) for x in logs]
    o = ffi.new("sc_chain_logs_opts *")
    for field, v in (("family", family), ("task", task), ("filter", filter)):
        if v is not None:
            keep.append(ffi.new("char[]", _enc(v)))
            setattr(o, field, keep[-1])
    if delimiter is not None:
        keep.append(ffi.new("char[]", _enc(delimiter)))
        o.lmeval.delimiter = keep[-1]
    o.threads = int(threads)
    gp = ffi.new("sc_chain_groups **")
    e.check(lib.sc_chain_run_logs(m, ffi.new("char *[]", keep[:len(logs)]), len(logs), o, gp, e.p))
    groups = ffi.gc(gp[0], lib.sc_chain_groups_free)
    dp = ffi.new("sc_chain_doc **")
    st = lib.sc_chain_doc_new(dp)
    if st != lib.SC_OK:
        _fail(st, _str(lib.sc_strerror(st)))
    doc = ffi.gc(dp[0], lib.sc_chain_doc_free)
    for k in range(groups.n):
        G = groups.group[k]
        e.check(lib.sc_chain_doc_add(doc, G.family, G.task, lib.sc_chain_set_filter(G.set), G.res,
                                     G.id, G.log10c, e.p))
    return _json_doc(lib.sc_chain_doc_string, doc)


def chain_aggregate(compute, metrics, sign=None):
    """Correlation of each metric column (models x columns) with log10 compute, each multiplied
    by its sign (+1 when higher is better); rows with NaN are skipped per column. Returns a
    columns x 3 array (Pearson, Spearman, Kendall tau-b)."""
    c = np.asarray(compute, dtype=np.float64)
    M = np.ascontiguousarray(np.asarray(metrics, dtype=np.float64).reshape(len(c), -1))
    lc, lcp = _doubles(np.log10(c))
    mp = ffi.from_buffer("double[]", M)
    ncol = M.shape[1]
    sg = ffi.new("int[]", [int(v) for v in sign]) if sign is not None else ffi.NULL
    r = np.empty(ncol * lib.SC_CORR_NKINDS)
    st = lib.sc_chain_aggregate(lcp, mp, len(c), ncol, sg, ffi.from_buffer("double[]", r))
    if st != lib.SC_OK:
        _fail(st, _str(lib.sc_strerror(st)))
    return r.reshape(ncol, lib.SC_CORR_NKINDS)


def chain_aggregate_files(files, preset=None, stages=None, x=None, xscale=None,
                          long_format=False, mode="all"):
    """The aggregate metric chain on published per-run metrics (``scalecast chain
    --aggregate``): ``files`` CSV files (runs or checkpoints), ``preset`` "olmo" or "apple", or
    ``stages`` ("tmpl{task}[:-1],...") with the compute column ``x`` times ``xscale``; ``mode``
    "all" (across runs), "last" (final checkpoints) or "within" (per file, averaged). Returns the
    document of ``--json``: per task the correlation of each stage with log10 C, and the means."""
    o = ffi.new("sc_chain_agg_opts *")
    lib.sc_chain_agg_opts_init(o)
    keep = []
    if preset is not None and lib.sc_chain_agg_preset(_enc(preset), o) != lib.SC_OK:
        _fail(lib.SC_EUNKNOWN, "unknown preset \"%s\" (known: olmo, apple)" % preset)
    for field, v in (("x", x), ("stages", stages)):
        if v is not None:
            keep.append(ffi.new("char[]", _enc(v)))
            setattr(o, field, keep[-1])
    if xscale is not None:
        o.xscale = float(xscale)
    if long_format:
        o.long_format = 1
    modes = {"all": lib.SC_CHAIN_AGG_ALL, "last": lib.SC_CHAIN_AGG_LAST, "within": lib.SC_CHAIN_AGG_WITHIN}
    if mode not in modes:
        _fail(lib.SC_EINVAL, "mode: expected all, last or within, got %r" % (mode,))
    o.mode = modes[mode]
    paths = [ffi.new("char[]", _enc(f)) for f in files]
    ap = ffi.new("sc_chain_agg **")
    e = _Err()
    e.check(lib.sc_chain_agg_run(ffi.new("char *[]", paths), len(paths), o, ap, e.p))
    a = ffi.gc(ap[0], lib.sc_chain_agg_free)
    return _json_doc(lib.sc_chain_agg_doc_string, a)


# --------------------------------------------------------------------------------------------
# PassUntil (Hu et al. 2024)
# --------------------------------------------------------------------------------------------
def _est(e):
    return {"draws": e.draws, "passes": e.passes, "r": e.r, "censored": bool(e.censored),
            "pu": e.pu, "value": e.value, "lo": e.lo, "hi": e.hi}


def _ests(draws, passes, r, kmax, level):
    draws = np.asarray(draws).ravel()
    passes = np.asarray(passes).ravel()
    out = ffi.new("sc_pu_est[]", len(draws))
    e = _Err()
    for i, (K, c) in enumerate(zip(draws, passes)):
        e.check(lib.sc_pu_estimate(int(K), int(c), int(r), int(kmax), float(level), out + i, e.p))
    return out


def passuntil_estimate(draws, passes, r, kmax, level=0.9):
    """One instance sampled until ``r`` passes or ``kmax`` draws: the estimate and its exact
    interval (dict: draws, passes, r, censored, pu, value, lo, hi). With arrays, a list."""
    if np.ndim(draws):
        return [_est(x) for x in _ests(draws, passes, r, kmax, level)]
    return _est(_ests([draws], [passes], r, kmax, level)[0])


def passuntil_task(draws, passes, r, kmax, level=0.9, B=1000, seed=1):
    """Task pass rate over S instances: mean of the instance values with a bootstrap interval
    over instances (dict: S, censored, pu, lo, hi, sd_loglog)."""
    est = _ests(draws, passes, r, kmax, level)
    t = ffi.new("sc_pu_task *")
    e = _Err()
    e.check(lib.sc_pu_task_estimate(est, len(est), int(B), int(seed), float(level), t, e.p))
    return {"S": t.S, "censored": t.ncensored, "pu": t.pu, "lo": t.lo, "hi": t.hi,
            "sd_loglog": t.sd_loglog}


def passuntil_fit(N, draws, passes, r, kmax, level=0.9, B=1000, seed=1, quadratic=False):
    """The task law PU(N) = exp(-c N^-alpha) (Hu et al. 2024, Eq. 3) over model sizes N:
    ``draws`` and ``passes`` are S x M arrays (instance s at size N[m]). Returns a dict with
    log c, alpha and their intervals, and ``predict(N)`` -> (pu, lo, hi)."""
    D = np.asarray(draws)
    P = np.asarray(passes)
    S, M = D.shape
    est = _ests(D, P, r, kmax, level)
    Na, Np = _doubles(N)
    o = ffi.new("sc_pu_fit_opts *", {"level": float(level), "B": int(B), "seed": int(seed),
                                     "quadratic": int(bool(quadratic))})
    fp = ffi.new("sc_pu_fit **")
    e = _Err()
    e.check(lib.sc_pu_fit_task(Np, M, est, S, o, fp, e.p))
    f = ffi.gc(fp[0], lib.sc_pu_fit_free)

    def predict(n):
        vals = [ffi.new("double *") for _ in range(5)]
        lib.sc_pu_fit_predict(f, float(n), *vals)
        return tuple(v[0] for v in vals)

    return {"logc": f.logc, "alpha": f.alpha, "alpha_interval": (f.alpha_lo, f.alpha_hi),
            "alpha_bootstrap_interval": (f.alpha_blo, f.alpha_bhi), "chi2": f.chi2, "dof": f.dof,
            "beta": [f.beta[i] for i in range(f.p)], "N": _array(f.N, f.M), "F": _array(f.F, f.M),
            "predict": predict, "_fit": f}
