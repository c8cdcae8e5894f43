#!/usr/bin/env python3
"""Writes the instrument exports of the sample CMS study from its typed sheets.

The values are the typed sheets' own, digit for digit, so that the study analysed from
the exports gives the same numbers as from the typed sheets:

  cms-cyp-rat/plate-reader/BCA-2.txt     BioTek Gen5 text export of BCA plate BCA-2, read at
                                         562 nm (the full plate: the wells the layout does not
                                         name read about 0.045 and are not on the sheet)
  cms-cyp-rat/hplc-exports/CAF-1.json    ASM liquid-chromatography document of run CAF-1
                                         (paraxanthine and the caffeine substrate peak), as
                                         allotropy writes it from Waters Empower: one
                                         document per injection, the level of each standard
                                         in its custom information
  cms-cyp-rat/hplc-exports/CZX-1.csv     ChemStation / OpenLab peak table of run CZX-1
                                         (6-hydroxychlorzoxazone), with sample type and level
  cms-cyp-rat/protein-plate-map.csv      protein-assay.csv with BCA-2's absorbances empty
  cms-cyp-rat/hplc-standards-map.csv     hplc-standards.csv with the peak areas of CAF-1
  cms-cyp-rat/hplc-samples-map.csv       and CZX-1 empty (and hplc-samples.csv)

Regenerate (from the repository root): python3 sample_data/instrument_exports.py
"""

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent / "cms-cyp-rat"
RNG = random.Random(20261208)
PLATE = "BCA-2"
ASM_RUN, CSV_RUN = "CAF-1", "CZX-1"


def read(name):
    with open(HERE / name, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_csv(name, header, rows):
    with open(HERE / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


# ---------------------------------------------------------------- plate reader (Gen5)
header, wells = read("protein-assay.csv")
col = {h: i for i, h in enumerate(header)}
on_plate = {r[col["well"]]: r for r in wells if r[col["plate"]] == PLATE}
standards = sorted({float(r[col["standard_ug_per_ml"]]) for r in on_plate.values()
                    if r[col["role"]] == "standard"})
samples = []
for r in on_plate.values():
    if r[col["role"]] == "sample" and r[col["blind_code"]] not in samples:
        samples.append(r[col["blind_code"]])


def layout(well):
    r = on_plate.get(well)
    if r is None:
        return "", ""
    role = r[col["role"]]
    if role == "blank":
        return "BLK", ""
    if role == "standard":
        s = float(r[col["standard_ug_per_ml"]])
        return f"STD{standards.index(s) + 1}", f"{s:g}"
    return f"SPL{samples.index(r[col['blind_code']]) + 1}", r[col["dilution"]]


lines = ["", "", "Software Version\t3.12.08", "", "", "",
         f"Experiment File Path:\tC:\\Users\\lab\\Documents\\Gen5\\CMS {PLATE} BCA.xpt",
         "Protocol File Path:\t", "", "", "",
         "Plate Number\tPlate 1", "Date\t11/30/2026", "Time\t10:41:07 AM",
         "Reader Type:\tSynergy H1", "Reader Serial Number:\t21011412", "Reading Type\tReader",
         "", "Procedure Details", "", "Plate Type\t96 WELL PLATE", "Read\tAbsorbance Endpoint",
         "\tFull Plate", "\tWavelengths:  562", "\tRead Speed: Normal", "", "Layout",
         "\t" + "\t".join(str(c) for c in range(1, 13))]
for row in "ABCDEFGH":
    ids = [layout(f"{row}{c}") for c in range(1, 13)]
    lines.append(row + "\t" + "\t".join(i for i, _ in ids) + "\tWell ID")
    lines.append("\t" + "\t".join(c for _, c in ids) + "\tConc/Dil")
lines += ["", "562", "\t" + "\t".join(str(c) for c in range(1, 13))]
for row in "ABCDEFGH":
    values = []
    for c in range(1, 13):
        r = on_plate.get(f"{row}{c}")
        values.append(r[col["absorbance"]] if r else f"{RNG.gauss(0.045, 0.002):.3f}")
    lines.append(row + "\t" + "\t".join(values) + "\t562")
lines += ["", ""]
(HERE / "plate-reader").mkdir(exist_ok=True)
with open(HERE / "plate-reader" / f"{PLATE}.txt", "w", newline="", encoding="utf-8") as f:
    f.write("\r\n".join(lines))

write_csv("protein-plate-map.csv", header,
          [r[:col["absorbance"]] + [""] + r[col["absorbance"] + 1:]
           if r[col["plate"]] == PLATE else r for r in wells])

# ---------------------------------------------------------------- chromatography
st_header, st_rows = read("hplc-standards.csv")
sm_header, sm_rows = read("hplc-samples.csv")
S = {h: i for i, h in enumerate(st_header)}
M = {h: i for i, h in enumerate(sm_header)}
RT = {"paraxanthine": 4.21, "6-hydroxychlorzoxazone": 5.87}


def injections(run):
    """(sample identifier, standard?, level, [(analyte, area text)]) in run order."""
    out = []
    for r in st_rows:
        if r[S["run"]] == run:
            out.append((f"STD{r[S['level']]}", True, int(r[S["level"]]),
                        [(r[S["metabolite"]], r[S["peak_area"]])]))
    for r in sm_rows:
        if r[M["run"]] == run:
            name = r[M["blind_code"]] + ("-blank" if r[M["no_nadph_blank"]] == "yes" else "")
            out.append((name, False, None, [(r[M["metabolite"]], r[M["peak_area"]])]))
    return out


def area(text):
    return int(text) if text.isdigit() else float(text)


docs = []
for k, (name, standard, level, peaks) in enumerate(injections(ASM_RUN)):
    peak_list = [{"written name": "caffeine", "peak area": {
        "value": round(RNG.uniform(4.0e5, 4.4e5)), "unit": "mAU.s"},
        "retention time": {"value": round(60 * 7.02 + RNG.gauss(0, 0.5), 2), "unit": "s"}}]
    for analyte, a in peaks:
        peak_list.insert(0, {"written name": analyte,
                             "peak area": {"value": area(a), "unit": "mAU.s"},
                             "retention time": {"value": round(60 * RT[analyte] + RNG.gauss(0, 0.5), 2),
                                                "unit": "s"}})
    measurement = {
        "measurement identifier": f"CMS_{ASM_RUN}_{k + 1:03d}",
        "sample document": {
            "sample identifier": name,
            "sample role type": "standard sample role" if standard else "unknown sample role",
            "batch identifier": ASM_RUN,
        },
        "injection document": {"injection identifier": str(1000 + k),
                               "injection time": f"2026-12-01T{8 + k // 6:02d}:{(k % 6) * 10:02d}:00+00:00"},
        "processed data aggregate document": {"processed data document": [{"peak list": {"peak": peak_list}}]},
    }
    if standard:
        measurement["custom information document"] = {"Level": str(level)}
    docs.append({"measurement aggregate document": {"measurement document": [measurement]}})
asm = {
    "$asm.manifest": "http://purl.allotrope.org/manifests/liquid-chromatography/BENCHLING/2023/09/liquid-chromatography.manifest",
    "liquid chromatography aggregate document": {
        "data system document": {"software name": "Empower", "ASM converter name": "allotropy"},
        "liquid chromatography document": docs,
    },
}
(HERE / "hplc-exports").mkdir(exist_ok=True)
with open(HERE / "hplc-exports" / f"{ASM_RUN}.json", "w", encoding="utf-8", newline="\n") as f:
    json.dump(asm, f, indent=2, ensure_ascii=False)
    f.write("\n")

table = [f"Sequence:,{CSV_RUN}", "Method:,CZX_HPLC_UV287.M", "", 
         "Sample Name,Sample Type,Level,Inj,RT [min],Name,Area [mAU*s]"]
for k, (name, standard, level, peaks) in enumerate(injections(CSV_RUN)):
    for analyte, a in peaks:
        table.append(",".join([name, "Calibration" if standard else "Sample",
                               "" if level is None else str(level), "1",
                               f"{RT[analyte] + RNG.gauss(0, 0.01):.3f}", analyte, a]))
with open(HERE / "hplc-exports" / f"{CSV_RUN}.csv", "w", newline="", encoding="utf-8") as f:
    f.write("\r\n".join(table) + "\r\n")

exported = {ASM_RUN, CSV_RUN}
write_csv("hplc-standards-map.csv", st_header,
          [r[:S["peak_area"]] + [""] + r[S["peak_area"] + 1:] if r[S["run"]] in exported else r
           for r in st_rows])
write_csv("hplc-samples-map.csv", sm_header,
          [r[:M["peak_area"]] + [""] + r[M["peak_area"] + 1:] if r[M["run"]] in exported else r
           for r in sm_rows])
