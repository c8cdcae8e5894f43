"""Simulated data of the chronic mild stress × imipramine liver CYP study (not real animals).

Fills the capture sheets of the study that `preclin template cms-cyp-rat --seed 20261121`
writes (40 male Wistar rats, CON-VEH, CON-IMI, CMS-VEH, CMS-IMI, 10 each; stress weeks
1-7, imipramine 10 mg/kg/day i.p. weeks 3-7), using that study's allocation key to give
each group plausible values, and writes the instrument exports beside them:

  animals.csv              arrival weight, dissection date (week 8, one day per batch),
                           liver weight (3.6-4.4 % of body weight); CE7V (CMS-VEH) excluded
                           on the sheet: its liver sample thawed in transit (sample-lost).
                           Its assay rows are kept in every assay file, like the others.
  weekly.csv               weeks 0-7: body weight (controls gain about 35 g/week, slowing to
                           15; CMS about half that; imipramine a few g/week less), 1-h 1 %
                           sucrose intake (about 13 g; CMS falls to about 7 g by week 3 and
                           stays low with vehicle, recovers with imipramine from week 5) and
                           water drunk in the same hour (1-3 g).
  hplc-standards.csv       one curve per run and metabolite: a 0 µM blank and 7 levels, single
  hplc-samples.csv         injections, linear with 3 % noise and a small intercept. Runs CAF-1
                           (paraxanthine), TST-1 (five testosterone metabolites, internal
                           standard 11α-hydroxyprogesterone in every injection), WAR-1,
                           BUF-1, CZX-1. One incubation with NADPH and one no-NADPH blank per
                           rat and metabolite (blanks 1-2 % of a typical sample, below the
                           lowest standard). CMS lowers CYP2C11 (2α-, 16α-OH-T) and CYP3A
                           (6β-OH-T) by 25 %; imipramine lowers CYP2C11 (by 20 %) and CYP2D
                           (bufuralol, by 25 %) and raises CYP1A2 (paraxanthine, by 15 %);
                           imipramine restores CYP3A in CMS rats (interaction).
                           Deliberate problems: standard level 3 (3 µM) of CZX-1
                           6-hydroxychlorzoxazone 25 % high (back-calculated +24.0 % with the
                           1/y² weighting chosen; 6 of 7 standards pass, so the run is
                           accepted), and the 16β-hydroxytestosterone of CF7N (activity
                           3.1 pmol/min/mg): 0.0078 µM injected, below the curve's LOQ
                           (0.052 µM) and its lowest standard (0.02 µM).
  protein-assay.csv        BCA plates BCA-1 (rats 1-20 in run order) and BCA-2 (21-40): 0
                           (blank) to 2000 µg/mL BSA in duplicate, microsomes (15-25 mg/mL)
                           diluted 1:40 in duplicate; absorbance 0.10 + 0.00105 x, 2 % noise.
  qpcr-quantstudio.txt     plate QS-1 (Actb, Gapdh, Cyp1a2, Cyp2c6), QuantStudio 7 Flex
                           Results export, 384 wells, duplicates, NTCs;
  qpcr-cfx.csv             plate CFX-1 (Actb, Gapdh, Cyp2c11, Cyp2d2), CFX384 Quantification
                           Cq Results, duplicates, NTCs;
  qpcr-capture-plate3.csv  plate QS-2 (Actb, Gapdh, Cyp2e1, Cyp3a1) typed into the qpcr
                           capture sheet;
  qpcr.csv                 the capture sheet with every sample well of the three plates (the
                           same wells and Cq), so that either gives the same numbers.
                           mRNA follows the activities (CMS: Cyp2c11 and Cyp3a1 Cq +0.5).
                           Deliberate problems: Cyp1a2 of CPKY on QS-1, well I24
                           Undetermined (its duplicate I23 amplified); Cyp2d2 of C694 on
                           CFX-1, wells M09 and M10 0.9 cycles apart (SD 0.64 > 0.5).
  western-blot.csv         CYP2C6, CYP2C11, CYP3A: two blots of 20 lanes per target, 5 rats
                           of every group on each, GAPDH loading control, lane background;
                           the second blot of each target about 20 % stronger.

Usage (from the repository root, with a built preclin):
  preclin template cms-cyp-rat --seed 20261121 --out /tmp/keys/cms-cyp-rat
  mkdir -p sample_data/cms-cyp-rat
  python3 sample_data/simulate_cms.py /tmp/keys/cms-cyp-rat sample_data/cms-cyp-rat
The numbers come from a fixed seed, so the files are reproducible. The script checks its
own output (the curves as preclin fits them, LOQ, acceptance, ranges) and prints the
deliberate problems with their numbers.
"""
import csv
import math
import random
import sys

study, out = sys.argv[1], sys.argv[2]
rng = random.Random(14)

key = sorted(csv.DictReader(open(f"{study}/key/allocation-key.csv", newline="")),
             key=lambda r: int(r["run_order"]))
codes = [r["blind_code"] for r in key]
group = {r["blind_code"]: r["group"] for r in key}
batch = {r["blind_code"]: int(r["batch"]) for r in key}
GROUPS = ["CON-VEH", "CON-IMI", "CMS-VEH", "CMS-IMI"]

EXCLUDED = "CE7V"     # liver sample thawed in transit
LOQ_RAT = "CF7N"      # very low CYP2B activity: 16β-hydroxytestosterone below LOQ
UNDETERMINED = "CPKY"  # one Cyp1a2 well on QS-1 did not amplify
HIGH_SD = "C694"      # Cyp2d2 duplicates on CFX-1 0.9 cycles apart
assert group[EXCLUDED] == "CMS-VEH" and group[LOQ_RAT] == "CON-IMI"
assert group[UNDETERMINED] == "CON-VEH" and group[HIGH_SD] == "CMS-VEH"


def write(name, header, rows):
    with open(f"{out}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def write_text(name, lines):
    with open(f"{out}/{name}", "w", newline="", encoding="utf-8") as f:
        f.write("".join(line + "\r\n" for line in lines))


def sheet(name):
    """The template's sheet: header and rows (pre-filled columns kept as they are)."""
    rows = list(csv.reader(open(f"{study}/sheets/{name}.csv", newline="", encoding="utf-8")))
    return rows[0], rows[1:]


def tgauss(sd, limit=2.0):
    """Normal draw truncated at ±limit SD (so no animal is an outlier by chance)."""
    while True:
        z = rng.gauss(0, 1)
        if abs(z) <= limit:
            return z * sd


def mean(v):
    return sum(v) / len(v)


# ---------------------------------------------------------------- weekly and animals
WEEKS = range(8)
GAIN = [35, 32, 28, 24, 20, 17, 15]  # controls, weeks 1-7 (g/week)
SUCROSE_CMS = [13.0, 11.0, 9.0, 7.6, 7.3, 7.2, 7.0, 7.1]
SUCROSE_CMS_IMI = [13.0, 11.0, 9.0, 7.6, 7.8, 9.6, 11.2, 12.2]
arrival, weight, sucrose, water = {}, {}, {}, {}
for c in codes:
    g = group[c]
    stressed, drug = g.startswith("CMS"), g.endswith("IMI")
    arrival[c] = rng.uniform(200, 218)
    w = min(250.0, arrival[c] + rng.uniform(22, 32))
    growth = 1 + tgauss(0.12)
    pref = 1 + tgauss(0.12)
    weight[c], sucrose[c], water[c] = [], [], []
    for week in WEEKS:
        if week > 0:
            gain = GAIN[week - 1] * growth * (0.55 if stressed else 1.0)
            if drug and week >= 3:
                gain -= 4
            w += gain + rng.gauss(0, 3)
        weight[c].append(w)
        m = 13.0 if not stressed else (SUCROSE_CMS_IMI if drug else SUCROSE_CMS)[week]
        sucrose[c].append(max(0.3, m * pref * (1 + rng.gauss(0, 0.09))))
        water[c].append(min(3.2, max(0.8, rng.gauss(1.9, 0.5))))

header, rows = sheet("weekly")
assert header == ["run_order", "blind_code", "cage", "batch", "week", "body_weight_g",
                  "sucrose_intake_g", "water_intake_g", "notes"]
for r in rows:
    c, week = r[1], int(r[4])
    r[5:8] = [f"{weight[c][week]:.1f}", f"{sucrose[c][week]:.1f}", f"{water[c][week]:.1f}"]
write("weekly.csv", header, rows)

DISSECTION = {1: "2026-11-23", 2: "2026-11-24", 3: "2026-11-25", 4: "2026-11-26",
              5: "2026-11-27"}
liver = {c: weight[c][7] * rng.uniform(0.036, 0.044) for c in codes}
header, rows = sheet("animals")
assert header == ["run_order", "blind_code", "cage", "batch", "arrival_weight_g",
                  "dissection_date", "liver_weight_g", "excluded", "exclusion_reason", "notes"]
for r in rows:
    c = r[1]
    r[4:7] = [f"{arrival[c]:.1f}", DISSECTION[batch[c]], f"{liver[c]:.2f}"]
    if c == EXCLUDED:
        r[7:10] = ["yes", "sample-lost",
                   "liver sample thawed in transit to the microsome lab; "
                   "prepared and assayed blind with the others"]
write("animals.csv", header, rows)

# ---------------------------------------------------------------- enzyme levels per rat
# One level per rat and isoform (log scale, between-animal CV about 16 %) drives activity,
# protein (Western blot) and mRNA (qPCR) alike.
ISOFORMS = ["CYP1A2", "CYP2A", "CYP2B", "CYP2C6", "CYP2C11", "CYP2D", "CYP2E1", "CYP3A"]
EFFECT = {iso: dict.fromkeys(GROUPS, 1.0) for iso in ISOFORMS}
EFFECT["CYP1A2"].update({"CON-IMI": 1.15, "CMS-IMI": 1.15})
EFFECT["CYP2C11"].update({"CON-IMI": 0.80, "CMS-VEH": 0.75, "CMS-IMI": 0.60})
EFFECT["CYP2D"].update({"CON-IMI": 0.75, "CMS-IMI": 0.75})
EFFECT["CYP3A"].update({"CMS-VEH": 0.75, "CMS-IMI": 0.97})
level = {c: {iso: tgauss(0.16) for iso in ISOFORMS} for c in codes}

# ---------------------------------------------------------------- HPLC
# metabolite: isoform, CON-VEH activity (pmol/min/mg), run, standards (µM), slope, intercept
# (peak area, or peak-area ratio to the internal standard in TST-1).
METABOLITES = {
    "paraxanthine": ("CYP1A2", 60, "CAF-1", [0.1, 0.2, 0.3, 0.4, 0.55, 0.75, 1.1], 51800, 210),
    "7α-hydroxytestosterone": ("CYP2A", 300, "TST-1",
                               [0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3], 0.912, 0.0041),
    "16β-hydroxytestosterone": ("CYP2B", 40, "TST-1",
                                [0.02, 0.04, 0.06, 0.08, 0.1, 0.13, 0.17], 0.874, 0.0006),
    "2α-hydroxytestosterone": ("CYP2C11", 1500, "TST-1",
                               [0.5, 1.0, 1.5, 2.25, 3.25, 4.5, 6.0], 0.958, 0.0190),
    "16α-hydroxytestosterone": ("CYP2C11", 1800, "TST-1",
                                [0.6, 1.2, 1.8, 2.7, 3.9, 5.4, 7.2], 0.896, 0.0215),
    "6β-hydroxytestosterone": ("CYP3A", 1600, "TST-1",
                               [0.5, 1.0, 1.6, 2.4, 3.4, 4.8, 6.4], 1.034, 0.0170),
    "7-hydroxywarfarin": ("CYP2C6", 25, "WAR-1",
                          [0.04, 0.08, 0.12, 0.16, 0.22, 0.3, 0.4], 412000, 330),
    "1′-hydroxybufuralol": ("CYP2D", 400, "BUF-1", [0.5, 1.0, 1.5, 2.25, 3.25, 4.5, 6.4],
                            148500, 640),
    "6-hydroxychlorzoxazone": ("CYP2E1", 1200, "CZX-1", [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0],
                               29600, 450),
}
RUNS = {"CAF-1": (20, 1), "TST-1": (10, 2), "WAR-1": (20, 1), "BUF-1": (20, 1),
        "CZX-1": (20, 1)}  # incubation min, dilution before injection
FAILING = ("CZX-1", "6-hydroxychlorzoxazone", 3)  # standard 25 % high
VOLUME = 200  # µL
protein = {c: round(rng.uniform(0.45, 0.55), 3) for c in codes}

activity = {}
for c in codes:
    for m, (iso, base, *_rest) in METABOLITES.items():
        own = math.exp(rng.gauss(0, 0.05))  # each reaction a little of its own (2α vs 16α)
        activity[c, m] = base * EFFECT[iso][group[c]] * math.exp(level[c][iso]) * own
activity[LOQ_RAT, "16β-hydroxytestosterone"] = 3.1


def injected_um(act, run, p):
    """Metabolite in the injected solution (µM): activity × t × P / 1000 / dilution."""
    t, dilution = RUNS[run]
    return act * t * p / 1000 / dilution


def respond(m, x):
    a, b = METABOLITES[m][5], METABOLITES[m][4]
    return (a + b * x) * (1 + rng.gauss(0, 0.03))


std_rows, smp_rows = [], []
for run in RUNS:
    mets = [m for m in METABOLITES if METABOLITES[m][2] == run]
    with_is = run == "TST-1"
    # One injection per level (a mixed standard in TST-1, with one internal standard area).
    levels = {m: [0.0] + METABOLITES[m][3] for m in mets}
    injections = []
    for k in range(8):
        is_area = round(1.0e5 * (1 + rng.gauss(0, 0.03))) if with_is else None
        for m in mets:
            x = levels[m][k]
            y = METABOLITES[m][5] * (1 + rng.gauss(0, 0.1)) if k == 0 else respond(m, x)
            if (run, m, k) == FAILING:
                y *= 1.25
            area = round(y * is_area) if with_is else round(y)
            injections.append((m, k, x, area, is_area))
    for m in mets:
        for mm, k, x, area, is_area in injections:
            if mm == m:
                std_rows.append([run, m, k, f"{x:g}", area, "" if is_area is None else is_area])
    # Samples: each rat's incubation, then its no-NADPH blank (one injection each).
    for c in codes:
        for blank in (False, True):
            is_area = round(1.0e5 * (1 + rng.gauss(0, 0.03))) if with_is else None
            for m in mets:
                t, dilution = RUNS[run]
                if blank:
                    typical = injected_um(METABOLITES[m][1], run, 0.5)
                    x = typical * rng.uniform(0.01, 0.02)
                else:
                    x = injected_um(activity[c, m], run, protein[c])
                y = respond(m, x)
                area = round(y * is_area) if with_is else round(y)
                smp_rows.append([run, c, m, area, "" if is_area is None else is_area, t,
                                 f"{protein[c]:.3f}", VOLUME, dilution, "yes" if blank else ""])
write("hplc-standards.csv",
      ["run", "metabolite", "level", "nominal_um", "peak_area", "is_peak_area"], std_rows)
write("hplc-samples.csv",
      ["run", "blind_code", "metabolite", "peak_area", "is_peak_area", "incubation_min",
       "protein_mg_per_ml", "incubation_volume_ul", "dilution", "no_nadph_blank"], smp_rows)

# ---------------------------------------------------------------- HPLC checks
# The curves as preclin fits them (src/assay/hplc.rs, src/stats/calibration.rs): every
# weighting, the one with the smallest Σ|%RE| chosen; LOQ = 10 σ/slope with σ the
# unweighted residual SD; acceptance ≥ 6 levels, ≥ 75 % of standards within ±15 % (±20 %
# at the lowest).
WEIGHTINGS = ["none", "1/x", "1/x2", "1/y2"]


def fit(x, y, weighting):
    pts = []
    for xi, yi in zip(x, y):
        w = {"none": 1.0, "1/x": 1 / xi if xi else math.inf,
             "1/x2": 1 / xi ** 2 if xi else math.inf,
             "1/y2": 1 / yi ** 2 if yi else math.inf}[weighting]
        pts.append((xi, yi, w if math.isfinite(w) and w > 0 else None))
    used = [p for p in pts if p[2] is not None]
    sw = sum(w for _, _, w in used)
    xb = sum(w * xi for xi, _, w in used) / sw
    yb = sum(w * yi for _, yi, w in used) / sw
    b1 = (sum(w * (xi - xb) * (yi - yb) for xi, yi, w in used)
          / sum(w * (xi - xb) ** 2 for xi, _, w in used))
    b0 = yb - b1 * xb
    rss = sum((yi - b0 - b1 * xi) ** 2 for xi, yi, _ in used)
    re = [100 * ((yi - b0) / b1 - xi) / xi if xi and w is not None else None
          for xi, yi, w in pts]
    return {"weighting": weighting, "b0": b0, "b1": b1,
            "loq": 10 * math.sqrt(rss / (len(used) - 2)) / b1, "re": re,
            "sum_re": sum(abs(r) for r in re if r is not None)}


def accept(x, f):
    nz = [i for i, xi in enumerate(x) if xi > 0]
    lowest = min(x[i] for i in nz)
    failing = [i for i in nz if f["re"][i] is None
               or abs(f["re"][i]) > (20 if x[i] == lowest else 15)]
    ok = len(set(x[i] for i in nz)) >= 6 and len(nz) - len(failing) >= math.ceil(0.75 * len(nz))
    return ok, failing


def response(row_area, row_is):
    return row_area / row_is if row_is != "" else row_area


report = []
for run in RUNS:
    for m in [m for m in METABOLITES if METABOLITES[m][2] == run]:
        st = [r for r in std_rows if r[0] == run and r[1] == m]
        x = [float(r[3]) for r in st]
        y = [response(r[4], r[5]) for r in st]
        fits = [fit(x, y, w) for w in WEIGHTINGS]
        best = min(fits, key=lambda f: f["sum_re"])  # first of equals, as preclin
        lo, hi = min(v for v in x if v > 0), max(x)
        # The weighting preclin chooses (and any within 10 % of its Σ|%RE|, in case
        # rounding tips the choice) passes, failing only the deliberate standard.
        for f in [f for f in fits if f["sum_re"] <= 1.1 * best["sum_re"]]:
            ok, failing = accept(x, f)
            expected = [k for k in range(8) if (run, m, k) == FAILING]
            assert ok and failing == expected, (run, m, f["weighting"], failing)
            for r in smp_rows:
                if r[0] != run or r[2] != m or r[9] == "yes":
                    continue
                xh = (response(r[3], r[4]) - f["b0"]) / f["b1"]
                if r[1] == LOQ_RAT and m == "16β-hydroxytestosterone":
                    assert xh < 0.6 * f["loq"] and xh < lo, (xh, f)
                else:
                    assert lo <= xh <= hi, (run, m, r[1], xh, lo, hi)
                    assert xh > 1.15 * f["loq"], (run, m, r[1], xh, f["loq"], f["weighting"])
        if (run, m) == FAILING[:2]:
            k = FAILING[2]
            n = sum(1 for v in x if v > 0)
            others = ", ".join("%s %+.1f" % (f["weighting"], f["re"][k]) for f in fits)
            report.append(f"failing standard: {run} {m} level {k} ({x[k]:g} µM): "
                          f"%RE {best['re'][k]:+.1f} with weighting {best['weighting']} "
                          f"({others}); {n - len(accept(x, best)[1])} of {n} pass")
        if m == "16β-hydroxytestosterone":
            r = next(r for r in smp_rows if r[1] == LOQ_RAT and r[2] == m and r[9] == "")
            xh = (response(r[3], r[4]) - best["b0"]) / best["b1"]
            report.append(f"below LOQ: {LOQ_RAT} {m} in {run}: {xh:.4f} µM injected, LOQ "
                          f"{best['loq']:.4f} µM (weighting {best['weighting']}), lowest "
                          f"standard {lo:g} µM")

# ---------------------------------------------------------------- protein (BCA)
STANDARDS_UG = [0, 25, 125, 250, 500, 750, 1000, 1500, 2000]
stock = {c: rng.uniform(15, 25) for c in codes}  # microsomal suspension, mg/mL
bca = []
for p, plate in enumerate(["BCA-1", "BCA-2"]):
    for row in "AB":
        for k, s in enumerate(STANDARDS_UG):
            a = (0.10 + 0.00105 * s) * (1 + rng.gauss(0, 0.02))
            bca.append([plate, f"{row}{k + 1}", "blank" if s == 0 else "standard", "", s,
                        f"{a:.3f}", ""])
    for i, c in enumerate(codes[20 * p:20 * p + 20]):
        row, col = "CDEF"[i // 6], 2 * (i % 6) + 1
        for rep in range(2):
            a = (0.10 + 0.00105 * stock[c] * 1000 / 40) * (1 + rng.gauss(0, 0.02))
            bca.append([plate, f"{row}{col + rep}", "sample", c, "", f"{a:.3f}", 40])
write("protein-assay.csv", ["plate", "well", "role", "blind_code", "standard_ug_per_ml",
                            "absorbance", "dilution"], bca)

# ---------------------------------------------------------------- qPCR
BASE_CQ = {"Actb": 17.0, "Gapdh": 19.0, "Cyp1a2": 24.0, "Cyp2c6": 22.0, "Cyp2c11": 20.0,
           "Cyp2d2": 23.0, "Cyp2e1": 21.0, "Cyp3a1": 22.0}
GENE_ISOFORM = {"Cyp1a2": "CYP1A2", "Cyp2c6": "CYP2C6", "Cyp2c11": "CYP2C11",
                "Cyp2d2": "CYP2D", "Cyp2e1": "CYP2E1", "Cyp3a1": "CYP3A"}
true_cq = {}
for c in codes:
    cdna = rng.gauss(0, 0.3)  # cDNA input, common to every gene of the sample
    for gene, base in BASE_CQ.items():
        if gene in GENE_ISOFORM:
            iso = GENE_ISOFORM[gene]
            # mRNA change 1.2 × the activity change on the log2 scale (CMS Cyp2c11 +0.5).
            shift = -1.2 * math.log2(EFFECT[iso][group[c]]) - level[c][iso] / math.log(2)
            true_cq[c, gene] = base + cdna + shift + rng.gauss(0, 0.33)
        else:
            true_cq[c, gene] = base + cdna + rng.gauss(0, 0.12)

ROWS384 = "ABCDEFGHIJKLMNOP"
PLATES = {"QS-1": ["Actb", "Gapdh", "Cyp1a2", "Cyp2c6"],
          "CFX-1": ["Actb", "Gapdh", "Cyp2c11", "Cyp2d2"],
          "QS-2": ["Actb", "Gapdh", "Cyp2e1", "Cyp3a1"]}
wells = {}  # plate -> [(row, col, code or None for NTC, gene, cq or None)]
for plate, genes in PLATES.items():
    wells[plate] = []
    for g, gene in enumerate(genes):
        for k in range(82):  # 40 rats in duplicate, then 2 NTC
            row, col = 4 * g + k // 24, k % 24 + 1
            if k < 80:
                c = codes[k // 2]
                cq = round(true_cq[c, gene] + rng.gauss(0, 0.1), 3)
                if plate == "QS-1" and c == UNDETERMINED and gene == "Cyp1a2" and k % 2:
                    cq = None
                if plate == "CFX-1" and c == HIGH_SD and gene == "Cyp2d2":
                    cq = round(true_cq[c, gene] + (-0.45 if k % 2 == 0 else 0.45), 3)
            else:
                c, cq = None, None
            wells[plate].append((row, col, c, gene, cq))
    wells[plate].sort(key=lambda w: (w[0], w[1]))


def replicate_stats(plate_wells, c, gene):
    cqs = [w[4] for w in plate_wells if w[2] == c and w[3] == gene and w[4] is not None]
    m = mean(cqs) if cqs else None
    sd = (math.sqrt(sum((v - m) ** 2 for v in cqs) / (len(cqs) - 1)) if len(cqs) > 1
          else None)
    return m, sd


# QuantStudio 7 Flex Results export (tab-separated), plate QS-1.
qs = ["* Block Type = 384-Well Block",
      "* Chemistry = TAQMAN",
      "* Experiment Barcode = NA",
      "* Experiment File Name = D:\\qPCR\\cms-cyp-rat QS-1.eds",
      "* Experiment Name = cms-cyp-rat QS-1",
      "* Experiment Run End Time = 2026-12-08 04:12:37 PM CET",
      "* Experiment Type = Comparative Cт (ΔΔCт)",
      "* Instrument Type = QuantStudio(TM) 7 Flex System",
      "* Passive Reference = ROX",
      "* Quantification Cycle Method = Ct",
      "* Stage/ Cycle where Analysis is performed = Stage 2, Step 2",
      "",
      "[Results]",
      "\t".join(["Well", "Well Position", "Omit", "Sample Name", "Target Name", "Task",
                 "Reporter", "Quencher", "CT", "Ct Mean", "Ct SD", "Automatic Ct Threshold",
                 "Ct Threshold", "Automatic Baseline", "Baseline Start", "Baseline End",
                 "Comments", "NOAMP", "EXPFAIL"])]
for row, col, c, gene, cq in wells["QS-1"]:
    m, sd = replicate_stats(wells["QS-1"], c, gene)
    reporter = "VIC" if gene in ("Actb", "Gapdh") else "FAM"
    end = max(3, int(cq) - 4) if cq is not None else 39
    qs.append("\t".join([
        str(row * 24 + col), f"{ROWS384[row]}{col}", "false",
        c or "", gene, "UNKNOWN" if c else "NTC", reporter, "NFQ-MGB",
        "Undetermined" if cq is None else f"{cq:.3f}",
        "" if m is None else f"{m:.3f}", "" if sd is None else f"{sd:.3f}",
        "false", "0.200", "true", "3", str(end), "", "Y" if cq is None else "N", "N"]))
write_text("qpcr-quantstudio.txt", qs)

# Bio-Rad CFX384 Quantification Cq Results, plate CFX-1.
cfx = [["", "Well", "Fluor", "Target", "Content", "Sample", "Biological Set Name", "Cq",
        "Cq Mean", "Cq Std. Dev", "Starting Quantity (SQ)", "Log Starting Quantity",
        "SQ Mean", "SQ Std. Dev", "Set Point", "Well Note"]]
for row, col, c, gene, cq in wells["CFX-1"]:
    m, sd = replicate_stats(wells["CFX-1"], c, gene)
    fluor = "HEX" if gene in ("Actb", "Gapdh") else "FAM"
    content = f"Unkn-{codes.index(c) + 1:02d}" if c else "NTC"
    cfx.append(["", f"{ROWS384[row]}{col:02d}", fluor, gene, content, c or "", "",
                "NaN" if cq is None else f"{cq:.3f}", "0" if m is None else f"{m:.10f}",
                "0" if sd is None else f"{sd:.10f}", "NaN", "NaN", "NaN", "NaN", "60", ""])
write("qpcr-cfx.csv", cfx[0], cfx[1:])

# The capture sheet: plate QS-2 alone, and every sample well of the three plates.
capture = {}
for plate in PLATES:
    capture[plate] = []
    for row, col, c, gene, cq in wells[plate]:
        if c is None:
            continue  # no-template controls have no blind code; they stay on the plate
        well = f"{ROWS384[row]}{col:02d}" if plate == "CFX-1" else f"{ROWS384[row]}{col}"
        capture[plate].append([plate, well, c, gene, "" if cq is None else f"{cq:.3f}",
                               "yes" if cq is None else ""])
QPCR_HEADER = ["plate", "well", "blind_code", "target", "cq", "undetermined"]
assert sheet("qpcr")[0] == QPCR_HEADER
write("qpcr-capture-plate3.csv", QPCR_HEADER, capture["QS-2"])
write("qpcr.csv", QPCR_HEADER, capture["QS-1"] + capture["CFX-1"] + capture["QS-2"])

# Checks: only the deliberate wells are odd; every replicate SD (across plates for the
# reference genes) is within 0.5 cycle otherwise.
all_wells = [w for plate in PLATES for w in wells[plate] if w[2] is not None]
for c in codes:
    for gene in BASE_CQ:
        cqs = [w[4] for w in all_wells if w[2] == c and w[3] == gene and w[4] is not None]
        m = mean(cqs)
        sd = math.sqrt(sum((v - m) ** 2 for v in cqs) / (len(cqs) - 1)) if cqs[1:] else 0
        assert (sd > 0.5) == (c == HIGH_SD and gene == "Cyp2d2"), (c, gene, cqs)
        assert max(cqs) < 35
for plate in PLATES:
    for row, col, c, gene, cq in wells[plate]:
        if c and cq is None:
            report.append(f"undetermined: {plate} well {ROWS384[row]}{col}, {c} {gene}")
        if c == HIGH_SD and gene == "Cyp2d2":
            report.append(f"high SD: {plate} well {ROWS384[row]}{col:02d}, {c} {gene}: {cq}")

# ---------------------------------------------------------------- Western blot
per_blot = [[], []]
for g in GROUPS:
    members = [c for c in codes if group[c] == g]
    rng.shuffle(members)
    per_blot[0] += members[:5]
    per_blot[1] += members[5:]
for lanes in per_blot:
    rng.shuffle(lanes)  # one loading plan, used for every target
wb = []
for target, iso, short in [("CYP2C6", "CYP2C6", "2C6"), ("CYP2C11", "CYP2C11", "2C11"),
                           ("CYP3A", "CYP3A", "3A")]:
    scale = rng.uniform(0.9, 1.0)
    for b, lanes in enumerate(per_blot):
        if b == 1:
            scale *= rng.uniform(1.15, 1.25)  # longer exposure of the second membrane
        gapdh = rng.uniform(0.97, 1.03)
        for lane, c in enumerate(lanes, start=1):
            load = 1 + tgauss(0.07)
            amount = EFFECT[iso][group[c]] * math.exp(level[c][iso] + rng.gauss(0, 0.08))
            bg = rng.uniform(800, 1500)
            t = 12500 * scale * load * amount * (1 + rng.gauss(0, 0.04)) + bg
            gd = 19000 * gapdh * load * (1 + rng.gauss(0, 0.03)) + bg
            wb.append([f"WB-{short}-{b + 1}", lane, c, target, round(t), round(gd), round(bg)])
write("western-blot.csv", ["blot", "lane", "blind_code", "target", "target_density",
                           "loading_control_density", "background_density"], wb)

print("\n".join(report))
