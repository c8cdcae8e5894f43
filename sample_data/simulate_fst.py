"""Simulated forced swim test scores for the sample studies (not real animals).

Fills the scoring sheet that `preclin template PROTOCOL --seed 20261121` writes, using
that study's allocation key to give each group plausible values:

  fst-mouse            continuous scoring, last 4 of 6 min; vehicle ~165 s immobility,
                       imipramine 30 mg/kg ~95 s; latency to first immobility (one
                       imipramine mouse never immobile: latency censored at 360 s, left
                       empty on the sheet); one animal rescued (excluded on the sheet) and
                       one trial with the water at 25.6 °C (excluded by the protocol's
                       water-temperature criterion).
  fst-imipramine-zinc  per-minute immobility (6 bins); imipramine and zinc each shorten
                       immobility in minutes 3-6 and more than additively together; one
                       animal with an unscorable video (excluded).
  fst-rat-modified     5-s time sampling over 5 min (60 samples): imipramine lowers
                       immobility and raises climbing with the dose.

Usage (from the repository root, with a built preclin):
  for p in fst-mouse fst-imipramine-zinc fst-rat-modified; do
    preclin template $p --seed 20261121 --out /tmp/keys/$p
    python3 sample_data/simulate_fst.py $p /tmp/keys/$p > sample_data/$p/scoring.csv
  done
  python3 sample_data/simulate_fst.py boris sample_data/fst-mouse/scoring.csv \
    > sample_data/fst-mouse/boris-aggregated.tsv
The numbers come from a fixed seed per protocol, so the files are reproducible.
"""
import csv
import random
import sys

if sys.argv[1] == "boris":
    # BORIS aggregated-events export (layout of BORIS 8.22 and later, tab-separated) of the
    # fst-mouse sample: one observation per animal, named by its blind code; immobility
    # ("i") bouts that give the sheet's latency and immobility in the last 4 min exactly.
    sheet = list(csv.DictReader(open(sys.argv[2])))
    rng = random.Random(21)
    cols = ["Observation id", "Observation date", "Description", "Observation type", "Source",
            "Time offset (s)", "Coding duration", "Media duration (s)", "FPS (frame/s)",
            "Subject", "Observation duration by subject by observation", "Behavior",
            "Behavioral category", "Behavior type", "Start (s)", "Stop (s)", "Duration (s)",
            "Media file name", "Comment start", "Comment stop"]
    print("\t".join(cols), end="\r\n")
    for row in sheet:
        if row["excluded"] == "yes" or row["immobility_s"] == "":
            continue  # the rescued mouse was not scored
        code, total = row["blind_code"], round(float(row["immobility_s"]) * 10)
        bouts = []
        if row["latency_immobility_s"] != "":
            lat = round(float(row["latency_immobility_s"]) * 10)
            start = 1200
            if lat < 1170:
                bouts.append((lat, lat + min(50, 1195 - lat)))
            else:
                start = lat
            k = max(1, round(total / 250))
            lengths = [total // k] * (k - 1) + [total - (total // k) * (k - 1)]
            # Gaps of at least 1 s between bouts, the rest of the free time at random.
            free = 3600 - start - total - 10 * k
            points = sorted(rng.randint(0, max(free, 0)) for _ in range(k))
            gaps = [b - a + 10 for a, b in zip([0] + points[:-1], points)]
            if start > 1200:
                gaps[0] = 0  # the first window bout is the first bout of all
            t = start
            for g, d in zip(gaps, lengths):
                t += g
                bouts.append((t, t + d))
                t += d
        media = f"{code}.mp4"
        # Swimming until the first immobility (or the whole session): every animal appears
        # in the export, also one that was never immobile.
        first = bouts[0][0] if bouts else 3600
        events = [("s", 0, first)] + [("i", a, b) for a, b in bouts]
        for behaviour, a, b in events:
            print("\t".join([code, "2026-11-23 09:00:00", "simulated sample", "Media file",
                             f"player #1:{media}", "0.0", "360.000", "360.000", "25.000",
                             "No focal subject", "360.000", behaviour, "", "STATE",
                             f"{a / 10:.3f}", f"{b / 10:.3f}", f"{(b - a) / 10:.3f}", media,
                             "", ""]), end="\r\n")
    sys.exit(0)

protocol, study = sys.argv[1], sys.argv[2]
rng = random.Random({"fst-mouse": 11, "fst-imipramine-zinc": 12, "fst-rat-modified": 13}[protocol])
key = {r["blind_code"]: r for r in csv.DictReader(open(f"{study}/key/allocation-key.csv"))}
rows = list(csv.DictReader(open(f"{study}/sheets/scoring.csv")))
header = list(rows[0].keys())
out = csv.DictWriter(sys.stdout, fieldnames=header, lineterminator="\r\n")
out.writeheader()


def clip(x, lo, hi):
    return max(lo, min(hi, x))


for i, row in enumerate(rows):
    group = key[row["blind_code"]]["group"]
    row["test_date"] = "2026-11-23" if i < len(rows) // 2 else "2026-11-24"
    if protocol == "fst-rat-modified":
        row["body_weight_g"] = f"{rng.uniform(255, 298):.0f}"
    else:
        row["body_weight_g"] = f"{rng.uniform(25.2, 29.8):.1f}"
    row["water_temperature_c"] = f"{rng.uniform(23.3, 24.8):.1f}"
    if protocol == "fst-mouse":
        mean, sd = {"VEH": (165, 24), "IMI30": (96, 30)}[group]
        row["immobility_s"] = f"{clip(rng.gauss(mean, sd), 5, 236):.1f}"
        lat_mean, lat_sd = {"VEH": (62, 22), "IMI30": (150, 70)}[group]
        lat = rng.gauss(lat_mean, lat_sd)
        # Immobility in the window must fit after the first bout.
        lat = min(lat, 355 - float(row["immobility_s"])) if lat > 120 else lat
        row["latency_immobility_s"] = "" if lat >= 360 else f"{clip(lat, 8, 359):.1f}"
        if group == "IMI30" and i == 17:
            # Swam for the whole session: never immobile, latency censored at 360 s.
            row["immobility_s"], row["latency_immobility_s"] = "0.0", ""
        if i == 6:
            row["excluded"], row["exclusion_reason"] = "yes", "rescued"
            row["notes"] = "could not keep its head above water at 2:40; taken out"
        if i == 13:
            row["water_temperature_c"] = "25.6"
    elif protocol == "fst-imipramine-zinc":
        late = {"VEH": 41, "IMI": 31, "ZN": 36, "IMI-ZN": 19}[group]
        for m in range(1, 7):
            base = rng.gauss(12, 5) if m == 1 else rng.gauss(22, 6) if m == 2 else rng.gauss(late, 7)
            row[f"immobility_min{m}_s"] = f"{clip(base, 0, 60):.1f}"
        if i == 21:
            for m in range(1, 7):
                row[f"immobility_min{m}_s"] = ""
            row["excluded"], row["exclusion_reason"] = "yes", "recording-failure"
            row["notes"] = "camera stopped after 40 s"
    else:
        imm_mean, climb_mean = {"VEH": (31, 9), "IMI10": (23, 15), "IMI20": (15, 22)}[group]
        imm = round(clip(rng.gauss(imm_mean, 5), 2, 55))
        climb = round(clip(rng.gauss(climb_mean, 4), 0, 60 - imm))
        swim = 60 - imm - climb
        row["immobility_count"], row["climbing_count"], row["swimming_count"] = imm, climb, swim
    out.writerow(row)
