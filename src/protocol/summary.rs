//! The readable summary printed by `preclin protocol show`, and the ARRIVE 2.0
//! Essential 10 items a protocol can already fill (Percie du Sert et al. 2020,
//! PLoS Biol 18:e3000410).

use std::fmt::Write;

use super::capture::capture_sheets;
use super::schema::*;

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// How a treatment is written in a methods section: "imipramine hydrochloride 30 mg/kg i.p."
pub fn treatment_text(t: &Treatment) -> String {
    let mut s = if t.dose == 0.0 {
        format!("{} ({}) {}", t.compound, t.vehicle, t.route.as_str())
    } else {
        format!(
            "{} {} {} {} in {}",
            t.compound,
            num(t.dose),
            t.dose_unit.as_str(),
            t.route.as_str(),
            t.vehicle
        )
    };
    let _ = write!(s, ", {} mL/kg", num(t.volume_ml_per_kg));
    if let Some(m) = t.pretreatment_min {
        let _ = write!(s, ", {} min before the test", num(m));
    }
    if let Some(r) = &t.regimen {
        let _ = write!(s, ", {r}");
    }
    s
}

/// The text of `preclin protocol show`.
pub fn summary(p: &Protocol, origin: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} — {} (version {})", p.id, p.title, p.version);
    let _ = writeln!(o, "source: {origin}");
    if let Some(d) = &p.description {
        let _ = writeln!(o, "\n{d}");
    }
    let a = &p.animals;
    let _ = writeln!(o, "\nAnimals");
    let mut line = format!("  {} {}, {}", kebab(&a.species), a.strain, kebab(&a.sex));
    if let (Some(lo), Some(hi)) = (a.weight_min_g, a.weight_max_g) {
        let _ = write!(line, ", {}–{} g", num(lo), num(hi));
    }
    if let (Some(lo), Some(hi)) = (a.age_min_weeks, a.age_max_weeks) {
        let _ = write!(line, ", {}–{} weeks old", num(lo), num(hi));
    }
    let _ = writeln!(o, "{line}; from {}", a.source);
    let _ = writeln!(
        o,
        "  housing: {} per cage, {}",
        a.housing.animals_per_cage, a.housing.description
    );
    if let Some(c) = &p.apparatus {
        let _ = writeln!(o, "\nApparatus");
        let _ = writeln!(
            o,
            "  {}cylinder {} cm high, {} cm diameter; water {} cm deep at {}–{} °C{}",
            c.material
                .as_ref()
                .map(|m| format!("{m} "))
                .unwrap_or_default(),
            num(c.cylinder_height_cm),
            num(c.cylinder_diameter_cm),
            num(c.water_depth_cm),
            num(c.water_temperature_min_c),
            num(c.water_temperature_max_c),
            if c.water_temperature_recorded_per_trial {
                " (recorded every trial)"
            } else {
                ""
            }
        );
    }
    if !p.sessions.is_empty() {
        let _ = writeln!(o, "\nSessions");
        for s in &p.sessions {
            let after = s
                .interval_after_previous_h
                .map(|h| format!(", {} h after the previous", num(h)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {}: {} s ({} min){after}",
                s.name,
                num(s.duration_s),
                num(s.duration_s / 60.0)
            );
        }
    }
    if let Some(s) = &p.scoring {
        let _ = writeln!(o, "\nScoring");
        let method = match s.method {
            ScoringMethod::Continuous => "continuous (bout log or stopwatch totals)".to_string(),
            ScoringMethod::TimeSampling => format!(
                "time sampling every {} s",
                num(s.sampling_interval_s.unwrap_or(0.0))
            ),
            ScoringMethod::Bins => format!("{}-s bins", num(s.bin_width_s.unwrap_or(0.0))),
        };
        let _ = writeln!(
            o,
            "  {} session, window {}–{} s, {method}; minimum bout {} s",
            s.session,
            num(s.window_start_s),
            num(s.window_end_s),
            num(s.min_bout_s)
        );
        for b in &s.behaviours {
            let _ = writeln!(o, "  [{}] {}: {}", b.code, b.name, b.definition);
        }
        if let Some(l) = &s.latency {
            let _ = writeln!(
                o,
                "  latency to {}: from the {}, censored at the {}",
                l.behaviour,
                match l.measured_from {
                    LatencyOrigin::SessionStart => "session start",
                    LatencyOrigin::WindowStart => "window start",
                },
                match l.censored_at {
                    CensorPoint::WindowEnd => "window end",
                    CensorPoint::SessionEnd => "session end",
                }
            );
        }
    }
    let d = &p.design;
    let _ = writeln!(o, "\nDesign");
    let factors: Vec<String> = d
        .factors
        .iter()
        .map(|f| format!("{} ({})", f.name, f.levels.join(", ")))
        .collect();
    let _ = writeln!(o, "  factors: {}", factors.join(" × "));
    let _ = writeln!(
        o,
        "  n = {} per group, {} groups, {} animals",
        d.n_per_group,
        d.groups.len(),
        d.n_per_group as usize * d.groups.len()
    );
    for g in &d.groups {
        let control = if g.id == d.control_group {
            " [control]"
        } else {
            ""
        };
        let _ = writeln!(o, "  {}{control}: {}", g.id, g.label);
        for t in &g.treatments {
            let _ = writeln!(o, "      {}", treatment_text(t));
        }
    }
    let r = &p.randomisation;
    let _ = writeln!(o, "\nRandomisation and blinding");
    let method = match (r.method, r.block_by) {
        (RandomisationMethod::Blocked, Some(b)) => format!("blocked by {}", b.as_str()),
        _ => "complete".to_string(),
    };
    let batch = r
        .batch_size
        .map(|b| format!(", batches of {b}"))
        .unwrap_or_default();
    let _ = writeln!(o, "  randomisation: {method}{batch}");
    let _ = writeln!(
        o,
        "  blinded: {}{}",
        p.blinding.blinded.join(", "),
        if p.blinding.coded_solutions {
            "; solutions coded by letter"
        } else {
            ""
        }
    );
    if let Some(s) = &p.stress {
        let _ = writeln!(o, "\nStress regimen");
        let start = s
            .treatment_start_week
            .map(|w| format!(", treatment from week {w}"))
            .unwrap_or_default();
        let _ = writeln!(o, "  {} = {}: {} weeks{start}", s.factor, s.level, s.weeks);
        for x in &s.stressors {
            let _ = writeln!(
                o,
                "  {} × per week: {} ({} h)",
                x.per_week,
                x.name,
                num(x.duration_h)
            );
        }
        if let Some(t) = &s.sucrose_test {
            let _ = writeln!(
                o,
                "  sucrose test: {}% for {} h after {} h deprivation, weekly on day {}",
                num(t.sucrose_pct),
                num(t.duration_h),
                num(t.deprivation_h),
                t.day_of_week
            );
        }
    }
    if !p.assays.is_empty() {
        let _ = writeln!(o, "\nAssays");
        for a in &p.assays {
            let _ = writeln!(
                o,
                "  {}: {} (sheets: {})",
                a.id,
                a.title,
                a.sheets.join(", ")
            );
            for pr in &a.probes {
                let _ = writeln!(
                    o,
                    "      {:<8} {} → {}",
                    pr.isoform, pr.reaction, pr.metabolite
                );
            }
            if !a.targets.is_empty() {
                let _ = writeln!(o, "      targets: {}", a.targets.join(", "));
            }
            if !a.reference_genes.is_empty() {
                let _ = writeln!(o, "      reference genes: {}", a.reference_genes.join(", "));
            }
            if let Some(lc) = &a.loading_control {
                let _ = writeln!(o, "      loading control: {lc}");
            }
        }
    }
    if !p.exclusions.is_empty() {
        let _ = writeln!(o, "\nExclusion criteria");
        for e in &p.exclusions {
            let _ = writeln!(o, "  {}: {}", e.id, e.description);
        }
    }
    let _ = writeln!(o, "\nEndpoints");
    for e in &p.endpoints {
        let _ = writeln!(
            o,
            "  {}{} ({}): {}",
            if e.primary { "[primary] " } else { "" },
            e.name,
            e.unit,
            e.label
        );
    }
    let an = &p.analysis;
    let _ = writeln!(o, "\nAnalysis plan");
    let _ = writeln!(
        o,
        "  omnibus {}, post hoc {}, comparisons {}, alpha {}",
        kebab(&an.omnibus),
        kebab(&an.posthoc),
        kebab(&an.comparisons),
        an.alpha
    );
    if let Some(n) = &an.notes {
        let _ = writeln!(o, "  {n}");
    }
    let _ = writeln!(o, "\nCapture sheets");
    for s in capture_sheets(p) {
        let _ = writeln!(o, "  {}: {} ({} columns)", s.name, s.title, s.columns.len());
    }
    let _ = writeln!(o, "\nARRIVE 2.0 Essential 10");
    for item in arrive_checklist(p) {
        let mark = if item.covered { "x" } else { " " };
        let _ = writeln!(
            o,
            "  [{mark}] {}. {}: {}",
            item.number, item.name, item.text
        );
    }
    o
}

fn kebab<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One item of the ARRIVE 2.0 Essential 10.
#[derive(Debug, Clone, PartialEq)]
pub struct ArriveItem {
    pub number: u8,
    pub name: &'static str,
    pub covered: bool,
    pub text: String,
}

/// What the protocol states for each ARRIVE Essential 10 item; item 10 (results) is
/// filled only by the analysis.
pub fn arrive_checklist(p: &Protocol) -> Vec<ArriveItem> {
    let d = &p.design;
    let unit = p.arrive.as_ref().map(|a| a.experimental_unit.clone());
    let groups = d.groups.len();
    let item = |number, name, covered, text: String| ArriveItem {
        number,
        name,
        covered,
        text,
    };
    vec![
        item(
            1,
            "Study design",
            unit.is_some(),
            format!(
                "{} groups ({}), control {}; experimental unit: {}",
                groups,
                d.factors
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" × "),
                d.control_group,
                unit.clone()
                    .unwrap_or_else(|| "not stated ([arrive] experimental_unit)".to_string())
            ),
        ),
        item(
            2,
            "Sample size",
            p.arrive
                .as_ref()
                .is_some_and(|a| a.sample_size_justification.is_some()),
            format!(
                "{} per group, {} in total; {}",
                d.n_per_group,
                d.n_per_group as usize * groups,
                p.arrive
                    .as_ref()
                    .and_then(|a| a.sample_size_justification.clone())
                    .unwrap_or_else(|| "justification not stated".to_string())
            ),
        ),
        item(
            3,
            "Inclusion and exclusion criteria",
            !p.exclusions.is_empty(),
            format!("{} pre-registered exclusion criteria", p.exclusions.len()),
        ),
        item(
            4,
            "Randomisation",
            true,
            match (p.randomisation.method, p.randomisation.block_by) {
                (RandomisationMethod::Blocked, Some(b)) => {
                    format!("seeded blocked randomisation by {} (ChaCha20)", b.as_str())
                }
                _ => "seeded complete randomisation (ChaCha20)".to_string(),
            },
        ),
        item(
            5,
            "Blinding",
            !p.blinding.blinded.is_empty(),
            format!("blinded: {}", p.blinding.blinded.join(", ")),
        ),
        item(
            6,
            "Outcome measures",
            p.endpoints.iter().any(|e| e.primary),
            p.endpoints
                .iter()
                .map(|e| {
                    format!(
                        "{}{} ({})",
                        if e.primary { "primary: " } else { "" },
                        e.label,
                        e.unit
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        item(
            7,
            "Statistical methods",
            true,
            format!(
                "{} with {} post hoc, alpha {}",
                kebab(&p.analysis.omnibus),
                kebab(&p.analysis.posthoc),
                p.analysis.alpha
            ),
        ),
        item(
            8,
            "Experimental animals",
            true,
            format!(
                "{} {}, {}, from {}",
                kebab(&p.animals.species),
                p.animals.strain,
                kebab(&p.animals.sex),
                p.animals.source
            ),
        ),
        item(
            9,
            "Experimental procedures",
            !p.sessions.is_empty() || !p.assays.is_empty(),
            format!(
                "{} sessions, {} assays, treatments per group listed above",
                p.sessions.len(),
                p.assays.len()
            ),
        ),
        item(
            10,
            "Results",
            false,
            "filled by the analysis report".to_string(),
        ),
    ]
}
