"""One-way ANOVA and Tukey's HSD on a large table, as a lab would in Python.
Usage: python3 compare.py FILE.csv
"""
import sys

import pandas as pd
from scipy import stats

d = pd.read_csv(sys.argv[1])
groups = [g.to_numpy() for _, g in d.groupby("group")["immobility_s"]]
print(stats.f_oneway(*groups))
print(stats.tukey_hsd(*groups))
