#!/usr/bin/python3
"""Generate tests/data/stats/stats-ref.h, the reference values that
tests/unit/test-stats.c checks daemon/stats.c against.

Every expected number comes from numpy/scipy (the versions are written
into the header).  The inputs are fixed or drawn from a seeded generator,
so running this again with the same numpy/scipy reproduces the file byte
for byte:

    /usr/bin/python3 tests/data/gen-stats-ref.py > tests/data/stats/stats-ref.h
"""

import math
import sys
import warnings

import numpy as np
import scipy
from scipy import stats

SEED = 20240607
# scipy warns about moments of data near 1e9; numpy's two-pass variance is
# still accurate there, which is the point of that case.
warnings.filterwarnings("ignore", category=RuntimeWarning)
rng = np.random.default_rng(SEED)
out = []


def emit(s=""):
    out.append(s)


def c(v):
    """A C literal for a double that reads back bit for bit."""
    v = float(v)
    if math.isnan(v):
        return "NAN"
    if math.isinf(v):
        return "INFINITY" if v > 0 else "-INFINITY"
    r = repr(v)
    if "e" not in r and "." not in r:
        r += ".0"
    return r


def wrap(items, indent="\t", width=72):
    """Comma-separated items, wrapped so no line passes 80 columns."""
    line = ""
    for it in items:
        if line and len(line) + len(it) + 2 > width:
            emit(indent + line.rstrip())
            line = ""
        line += it + ", "
    if line:
        emit(indent + line.rstrip())


def array(name, xs):
    emit("static const double %s[] = {" % name)
    wrap([c(x) for x in xs])
    emit("};")


def rounded(xs, nd):
    return [round(float(x), nd) for x in xs]


# ---- inputs -------------------------------------------------------------

summary_inputs = [
    ("one", [42.5]),
    ("two", [10.25, 12.5]),
    ("equal", [7.0] * 6),
    ("equal_tenth", [0.1] * 10),
    ("session", [59.1, 58.7, 60.2, 59.5, 59.0]),
    ("near_1e9", list(1e9 + rng.normal(0.0, 0.5, 25))),
    ("big_1000", list(59.0 + rng.standard_normal(1000) * 0.8 +
                      (rng.random(1000) < 0.02) * 6.0)),
]

welch_inputs = [
    ("typical", [59.1, 58.7, 60.2, 59.5, 59.0],
     [61.0, 60.4, 61.9, 60.8, 61.3]),
    ("unequal", rounded(20 + rng.normal(0, 0.3, 6), 3),
     rounded(20.4 + rng.normal(0, 1.2, 12), 3)),
    ("same", [3.0, 4.0, 5.0], [5.0, 3.0, 4.0]),
    ("one_flat", [2.0, 2.0, 2.0, 2.0], [2.5, 2.1, 2.9, 2.4]),
    ("near_1e9", list(1e9 + rng.normal(0, 0.5, 8)),
     list(1e9 + 0.4 + rng.normal(0, 0.5, 9))),
]

mwu_inputs = [
    ("exact_5_5", [1.1, 2.3, 3.5, 4.2, 5.9], [2.0, 6.1, 7.3, 8.8, 9.4]),
    ("exact_apart", [1.0, 2.0, 3.0, 4.0, 5.0],
     [6.0, 7.0, 8.0, 9.0, 10.0]),
    ("exact_1_1", [1.0], [2.0]),
    ("exact_3_30", [1.5, 7.25, 9.125], list(np.arange(30) * 0.5 + 0.01)),
    ("exact_8_40", rounded(rng.normal(10, 1, 8), 6),
     rounded(rng.normal(10.5, 1, 40), 6)),
    ("asym_9_9", rounded(rng.normal(0, 1, 9), 6),
     rounded(rng.normal(1, 1, 9), 6)),
    ("ties_5_5", [1.0, 2.0, 2.0, 3.0, 4.0], [2.0, 3.0, 3.0, 5.0, 6.0]),
    ("ties_1_1", [4.0], [4.0]),
    ("equal", [3.0] * 4, [3.0] * 6),
    ("large", rounded(rng.normal(60, 1, 40), 1),
     rounded(rng.normal(60.4, 1, 50), 1)),
]

outlier_input = [10.0, 11.0, 12.0, 11.0, 10.0, 12.0, 11.0, 14.5, 30.0,
                 -5.0, 11.0, 10.0, 12.0, 7.4, 6.0, 16.0]

# Change-point series: steps at known indices, and flat noise.
step1 = list(np.concatenate([rng.normal(100, 1, 60),
                             rng.normal(110, 1, 60)]))
step2 = list(np.concatenate([rng.normal(100, 1, 40),
                             rng.normal(104, 1, 55),
                             rng.normal(97, 1, 65)]))
flat = list(rng.normal(100, 2, 200))
cp_inputs = [("step1", step1, [60], 0), ("step2", step2, [40, 95], 0),
             ("flat", flat, [], 0)]

noise_input = list(rng.normal(0.0, 0.004, 30))

# A step of 1.5 sd seen through windows of 20: inside one window the
# t-test gives p of a few 1e-3, so only the relaxed first pass (10 max_p)
# keeps it for the merge step, where the whole series makes it certain.
relaxed = list(np.concatenate([rng.normal(100, 1, 60),
                               rng.normal(101.5, 1, 60)]))
cp_inputs.append(("relaxed", relaxed, [60], 20))

# ---- reference values ---------------------------------------------------


def t_ppf(p, df):
    """scipy 1.10's t.ppf (cephes stdtri) is off by up to 3e-9 relative for
    some df (41.03 for one); one Newton step on its accurate t.cdf brings it
    to the last few ulps."""
    x = stats.t.ppf(p, df)
    return x - (stats.t.cdf(x, df) - p) / stats.t.pdf(x, df)


def summary(x):
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    mean = np.mean(x)
    if n > 1:
        sd = np.std(x, ddof=1)
        cv = sd / mean
        half = t_ppf(0.975, n - 1) * sd / math.sqrt(n)
        lo, hi = mean - half, mean + half
    else:
        sd = cv = half = lo = hi = math.nan
    return [n, mean, sd, cv, np.median(x),
            stats.median_abs_deviation(x), np.min(x), np.max(x),
            np.percentile(x, 25), np.percentile(x, 75), lo, hi, half]


def shifted(a, b):
    """Both samples minus a[0].  t-tests are shift-invariant, and near 1e9
    the subtraction is exact, so scipy's means of the shifted values keep
    the digits of the difference that its means of 1e9-sized values round
    away (a 1e-6 relative error in the difference of the near_1e9 case)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a - a[0], b - a[0]


def welch(a, b):
    ma, mb = np.mean(a), np.mean(b)
    a, b = shifted(a, b)
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    r = stats.ttest_ind(b, a, equal_var=False)
    half = t_ppf(0.975, df) * math.sqrt(va + vb)
    d = np.mean(b) - np.mean(a)
    return [ma, mb, d, d - half, d + half, d / ma, (d - half) / ma,
            (d + half) / ma, r.statistic, df, r.pvalue]


def cp_stats(x, idx):
    bounds = [0] + idx + [len(x)]
    res = []
    for i in range(1, len(bounds) - 1):
        left = np.asarray(x[bounds[i - 1]:bounds[i]])
        right = np.asarray(x[bounds[i]:bounds[i + 1]])
        p = stats.ttest_ind(left, right, equal_var=True).pvalue
        mb, ma = np.mean(left), np.mean(right)
        res.append([bounds[i], p, mb, ma, (ma - mb) / mb])
    return res


def fence_flags(x):
    q1, q3 = np.percentile(x, 25), np.percentile(x, 75)
    iqr = q3 - q1
    flags = []
    for v in x:
        if v > q3 + 3 * iqr:
            flags.append(2)
        elif v > q3 + 1.5 * iqr:
            flags.append(1)
        elif v < q1 - 3 * iqr:
            flags.append(-2)
        elif v < q1 - 1.5 * iqr:
            flags.append(-1)
        else:
            flags.append(0)
    return flags


# ---- output -------------------------------------------------------------

emit("/*")
emit(" * stats-ref.h -- reference values for tests/unit/test-stats.c.")
emit(" * Generated by tests/data/gen-stats-ref.py (seed %d) with numpy %s,"
     % (SEED, np.__version__))
emit(" * scipy %s.  Do not edit; run the generator again." %
     scipy.__version__)
emit(" */")
emit()
emit("struct ref_summary {")
emit("\tconst char\t*name;")
emit("\tconst double\t*x;")
emit("\tdouble\t\t v[13];\t/* n mean sd cv median mad min max q1 q3"
     " lo hi half */")
emit("};")
emit()
emit("struct ref_two {")
emit("\tconst char\t*name;")
emit("\tconst double\t*a, *b;")
emit("\tsize_t\t\t na, nb;")
emit("\tdouble\t\t v[11];\t/* welch: ma mb d lo hi rel rlo rhi t df p;"
     " else v[0] = p */")
emit("};")
emit()
emit("struct ref_cp {")
emit("\tconst char\t*name;")
emit("\tconst double\t*x;")
emit("\tsize_t\t\t n, window, ncp;")
emit("\tdouble\t\t cp[2][5];\t/* index p before after rel */")
emit("};")
emit()

for name, x in summary_inputs:
    array("sum_%s" % name, x)
emit()
emit("static const struct ref_summary ref_summaries[] = {")
for name, x in summary_inputs:
    emit("\t{ \"%s\", sum_%s, {" % (name, name))
    wrap([c(v) for v in summary(x)], "\t    ")
    emit("\t} },")
emit("};")
emit()


def two(kind, inputs, fn):
    for name, a, b in inputs:
        array("%s_%s_a" % (kind, name), a)
        array("%s_%s_b" % (kind, name), b)
    emit()
    emit("static const struct ref_two ref_%s[] = {" % kind)
    for name, a, b in inputs:
        emit("\t{ \"%s\", %s_%s_a, %s_%s_b, %d, %d, {" %
             (name, kind, name, kind, name, len(a), len(b)))
        wrap([c(v) for v in fn(a, b)], "\t    ")
        emit("\t} },")
    emit("};")
    emit()


two("welch", welch_inputs, welch)
two("student", welch_inputs[:2] + [welch_inputs[4]],
    lambda a, b: [stats.ttest_ind(*shifted(a, b), equal_var=True).pvalue])
two("mwu", mwu_inputs,
    lambda a, b: [stats.mannwhitneyu(a, b, alternative="two-sided",
                                     method="auto").pvalue])

array("outlier_x", outlier_input)
emit("static const int outlier_flags[] = {")
wrap([str(f) for f in fence_flags(outlier_input)])
emit("};")
emit()

for name, x, idx, window in cp_inputs:
    array("cp_%s" % name, x)
emit()
emit("static const struct ref_cp ref_cps[] = {")
for name, x, idx, window in cp_inputs:
    rows = cp_stats(x, idx)
    emit("\t{ \"%s\", cp_%s, %d, %d, %d, {" %
         (name, name, len(x), window, len(idx)))
    for r in rows:
        emit("\t    {")
        wrap([c(v) for v in r], "\t\t")
        emit("\t    },")
    if not rows:
        emit("\t    { 0 }")
    emit("\t} },")
emit("};")
emit()

array("noise_rel", noise_input)
a = np.abs(np.asarray(noise_input))
q1, q3 = np.percentile(a, 25), np.percentile(a, 75)
emit("static const double noise_threshold = %s;" % c(q3 + 3 * (q3 - q1)))
emit("static const double t_q975_df4 = %s;" % c(t_ppf(0.975, 4)))
emit("static const double t_q05_df2_5 = %s;" % c(t_ppf(0.05, 2.5)))
emit("static const double t_q975_df41 = %s;" % c(t_ppf(0.975, 41.0339)))

sys.stdout.write("\n".join(out) + "\n")
