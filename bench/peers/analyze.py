"""The sample 2 x 2 forced swim study (imipramine x zinc) analysed as a lab would in
Python: unblind with the allocation key, immobility in minutes 3-6, exclusions, two-way
ANOVA by least squares (Type III, sum-to-zero coding), Tukey on the cells (scipy), one
figure (matplotlib, 300 dpi PNG).
Usage: python3 analyze.py STUDY_DIR OUT_DIR
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

study, out = Path(sys.argv[1]), Path(sys.argv[2])
scores = pd.read_csv(study / "sheets/scoring.csv")
key = pd.read_csv(study / "key/allocation-key.csv")
d = scores.merge(key[["blind_code", "group", "drug", "zinc"]], on="blind_code")
d = d[d["excluded"].fillna("") != "yes"]
d = d[d["water_temperature_c"].between(23, 25)]
d["immobility_s"] = d[[f"immobility_min{m}_s" for m in (3, 4, 5, 6)]].sum(axis=1)

# Type III two-way ANOVA: each term's SS is the loss of the full model without it.
a = np.where(d["drug"] == d["drug"].iloc[0], 1.0, -1.0)
b = np.where(d["zinc"] == d["zinc"].iloc[0], 1.0, -1.0)
y = d["immobility_s"].to_numpy()
full = np.column_stack([np.ones_like(y), a, b, a * b])
def rss(x):
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    r = y - x @ beta
    return r @ r
rss_full = rss(full)
df_error = len(y) - 4
for i, term in enumerate(["drug", "zinc", "drug:zinc"], start=1):
    ss = rss(np.delete(full, i, axis=1)) - rss_full
    f = ss / (rss_full / df_error)
    print(term, ss, f, stats.f.sf(f, 1, df_error))
groups = [g["immobility_s"].to_numpy() for _, g in d.groupby("group")]
print(stats.tukey_hsd(*groups))

fig, ax = plt.subplots(figsize=(85 / 25.4, 70 / 25.4))
names = sorted(d["group"].unique())
for k, name in enumerate(names):
    v = d.loc[d["group"] == name, "immobility_s"]
    ax.scatter(np.full(len(v), k) + np.random.default_rng(1).uniform(-0.1, 0.1, len(v)), v, s=8)
    ax.hlines(v.mean(), k - 0.2, k + 0.2)
ax.set_xticks(range(len(names)), names)
fig.savefig(out / "immobility.png", dpi=300)
