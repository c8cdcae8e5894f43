//! Semantic checks that TOML types alone cannot express: the scoring window lies inside
//! its session, the control group exists, levels are unique, doses are not negative …
//!
//! Every problem is collected (not only the first) and carries the path of the field it
//! concerns, which the loader turns into a line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::schema::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// The location of a field, e.g. `design.groups[2].treatments[0].dose`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<PathSeg>);

impl FieldPath {
    /// Builds a path from a dotted string with `[i]` indices.
    pub fn parse(dotted: &str) -> Self {
        let mut segs = Vec::new();
        for part in dotted.split('.') {
            let mut rest = part;
            if let Some(b) = rest.find('[') {
                segs.push(PathSeg::Key(rest[..b].to_string()));
                rest = &rest[b..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let end = stripped.find(']').unwrap_or(stripped.len());
                    segs.push(PathSeg::Index(stripped[..end].parse().unwrap_or(0)));
                    rest = stripped.get(end + 1..).unwrap_or("");
                }
            } else {
                segs.push(PathSeg::Key(rest.to_string()));
            }
        }
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Key(k) if i == 0 => write!(f, "{k}")?,
                PathSeg::Key(k) => write!(f, ".{k}")?,
                PathSeg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A semantic problem in a protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: FieldPath,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn report(&mut self, path: impl AsRef<str>, message: impl Into<String>, hint: &str) {
        self.problems.push(Problem {
            path: FieldPath::parse(path.as_ref()),
            message: message.into(),
            hint: (!hint.is_empty()).then(|| hint.to_string()),
        });
    }

    fn positive(&mut self, path: impl AsRef<str>, value: f64, what: &str) {
        if !(value > 0.0 && value.is_finite()) {
            self.report(
                path,
                format!("{what} must be greater than 0, found {value}"),
                "",
            );
        }
    }

    fn non_negative(&mut self, path: impl AsRef<str>, value: f64, what: &str) {
        if !(value >= 0.0 && value.is_finite()) {
            self.report(
                path,
                format!("{what} cannot be negative, found {value}"),
                "",
            );
        }
    }

    fn ordered(&mut self, path: &str, low: Option<f64>, high: Option<f64>, what: &str) {
        if let (Some(lo), Some(hi)) = (low, high) {
            if lo > hi {
                self.report(
                    path,
                    format!("{what}: the minimum {lo} is above the maximum {hi}"),
                    "swap the two values",
                );
            }
        }
    }

    fn unique<'a>(
        &mut self,
        path: &str,
        field: &str,
        names: impl Iterator<Item = &'a str>,
        what: &str,
    ) {
        let mut seen = BTreeSet::new();
        for (i, name) in names.enumerate() {
            if name.trim().is_empty() {
                self.report(
                    format!("{path}[{i}].{field}"),
                    format!("{what} is empty"),
                    "",
                );
            } else if !seen.insert(name) {
                self.report(
                    format!("{path}[{i}].{field}"),
                    format!("duplicate {what} `{name}`"),
                    "each name must appear once",
                );
            }
        }
    }
}

/// Checks a parsed protocol; an empty list means it is valid.
pub fn validate(p: &Protocol) -> Vec<Problem> {
    let mut c = Checker::default();
    check_identity(&mut c, p);
    check_animals(&mut c, &p.animals);
    if let Some(a) = &p.apparatus {
        check_apparatus(&mut c, a);
    }
    check_sessions(&mut c, &p.sessions);
    if let Some(s) = &p.scoring {
        check_scoring(&mut c, s, &p.sessions);
    }
    check_design(&mut c, &p.design);
    check_randomisation(&mut c, p);
    check_endpoints(&mut c, &p.endpoints);
    check_analysis(&mut c, p);
    if let Some(s) = &p.stress {
        check_stress(&mut c, s, &p.design);
    }
    check_sheets(&mut c, p);
    // The columns an exclusion may name come from the sessions and scoring rules; they are
    // only built from rules that passed (a malformed session could ask for billions).
    let shape_ok = !c.problems.iter().any(|q| {
        let path = q.path.to_string();
        path.starts_with("sessions") || path.starts_with("scoring")
    });
    check_exclusions(&mut c, p, shape_ok);
    c.problems
}

fn check_identity(c: &mut Checker, p: &Protocol) {
    let valid_id = !p.id.is_empty()
        && p.id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
    if !valid_id {
        c.report(
            "id",
            format!(
                "protocol id `{}` must be lowercase letters, digits and dashes",
                p.id
            ),
            "for example `fst-mouse-2024`",
        );
    }
    if p.title.trim().is_empty() {
        c.report("title", "title is empty", "");
    }
}

fn check_animals(c: &mut Checker, a: &Animals) {
    for (path, v) in [
        ("animals.weight_min_g", a.weight_min_g),
        ("animals.weight_max_g", a.weight_max_g),
    ] {
        if let Some(v) = v {
            c.positive(path, v, "body weight");
        }
    }
    c.ordered(
        "animals.weight_max_g",
        a.weight_min_g,
        a.weight_max_g,
        "body weight range",
    );
    c.ordered(
        "animals.age_max_weeks",
        a.age_min_weeks,
        a.age_max_weeks,
        "age range",
    );
    if a.housing.animals_per_cage == 0 {
        c.report(
            "animals.housing.animals_per_cage",
            "animals_per_cage must be at least 1",
            "",
        );
    }
}

fn check_apparatus(c: &mut Checker, a: &SwimCylinder) {
    c.positive(
        "apparatus.cylinder_height_cm",
        a.cylinder_height_cm,
        "cylinder height",
    );
    c.positive(
        "apparatus.cylinder_diameter_cm",
        a.cylinder_diameter_cm,
        "cylinder diameter",
    );
    c.positive("apparatus.water_depth_cm", a.water_depth_cm, "water depth");
    if a.water_depth_cm >= a.cylinder_height_cm {
        c.report(
            "apparatus.water_depth_cm",
            format!(
                "water depth {} cm is not below the cylinder height {} cm",
                a.water_depth_cm, a.cylinder_height_cm
            ),
            "the water must stay below the rim so the animal cannot escape",
        );
    }
    c.ordered(
        "apparatus.water_temperature_max_c",
        Some(a.water_temperature_min_c),
        Some(a.water_temperature_max_c),
        "water temperature range",
    );
}

fn check_sessions(c: &mut Checker, sessions: &[Session]) {
    c.unique(
        "sessions",
        "name",
        sessions.iter().map(|s| s.name.as_str()),
        "session name",
    );
    for (i, s) in sessions.iter().enumerate() {
        c.positive(
            format!("sessions[{i}].duration_s"),
            s.duration_s,
            "session duration",
        );
        if s.duration_s > MAX_SESSION_S {
            c.report(
                format!("sessions[{i}].duration_s"),
                format!(
                    "a session of {} s is longer than the {MAX_SESSION_S} s (24 h) a session can last",
                    s.duration_s
                ),
                "give the duration in seconds: 360 for a 6-min test",
            );
        }
        match (i, s.interval_after_previous_h) {
            (0, Some(_)) => c.report(
                format!("sessions[{i}].interval_after_previous_h"),
                "the first session has no previous session",
                "remove interval_after_previous_h from the first session",
            ),
            (i, None) if i > 0 => c.report(
                format!("sessions[{i}]"),
                format!(
                    "session `{}` does not say how long after the previous one it starts",
                    s.name
                ),
                "add interval_after_previous_h, e.g. 24",
            ),
            (_, Some(h)) => c.positive(
                format!("sessions[{i}].interval_after_previous_h"),
                h,
                "interval",
            ),
            _ => {}
        }
    }
}

fn check_scoring(c: &mut Checker, s: &Scoring, sessions: &[Session]) {
    let Some(session) = sessions.iter().find(|x| x.name == s.session) else {
        let names: Vec<&str> = sessions.iter().map(|x| x.name.as_str()).collect();
        c.report(
            "scoring.session",
            format!(
                "scoring refers to session `{}`, which is not defined",
                s.session
            ),
            &format!("defined sessions: {}", names.join(", ")),
        );
        return;
    };
    c.non_negative("scoring.window_start_s", s.window_start_s, "window start");
    if s.window_end_s <= s.window_start_s {
        c.report(
            "scoring.window_end_s",
            format!(
                "the scoring window ends ({} s) before it starts ({} s)",
                s.window_end_s, s.window_start_s
            ),
            "",
        );
    }
    if s.window_end_s > session.duration_s {
        c.report(
            "scoring.window_end_s",
            format!(
                "the scoring window ends at {} s, after the end of session `{}` ({} s)",
                s.window_end_s, session.name, session.duration_s
            ),
            "the window must lie within the session",
        );
    }
    c.non_negative("scoring.min_bout_s", s.min_bout_s, "minimum bout length");
    let window = s.window_end_s - s.window_start_s;
    match s.method {
        ScoringMethod::TimeSampling => match s.sampling_interval_s {
            None => c.report(
                "scoring",
                "time sampling needs sampling_interval_s",
                "add sampling_interval_s = 5",
            ),
            Some(dt) if dt <= 0.0 || !divides(dt, window) => c.report(
                "scoring.sampling_interval_s",
                format!("sampling interval {dt} s does not divide the {window} s window into whole samples"),
                "",
            ),
            Some(dt) if window / dt > MAX_COLUMNS_PER_SESSION => c.report(
                "scoring.sampling_interval_s",
                format!("a {dt}-s sampling interval makes {} samples of the window, more than the {MAX_COLUMNS_PER_SESSION} a sheet holds", window / dt),
                "choose a longer sampling interval",
            ),
            _ => {}
        },
        ScoringMethod::Bins => match s.bin_width_s {
            None => c.report("scoring", "bins need bin_width_s", "add bin_width_s = 60"),
            Some(w) if w <= 0.0 || !divides(w, session.duration_s) => c.report(
                "scoring.bin_width_s",
                format!("bin width {w} s does not divide the {} s session into whole bins", session.duration_s),
                "",
            ),
            Some(w) if session.duration_s / w > MAX_COLUMNS_PER_SESSION => c.report(
                "scoring.bin_width_s",
                format!("a {w}-s bin makes {} bins of the session, more than the {MAX_COLUMNS_PER_SESSION} a sheet holds", session.duration_s / w),
                "choose a wider bin",
            ),
            Some(w) if !divides(w, s.window_start_s) || !divides(w, s.window_end_s) => c.report(
                "scoring.bin_width_s",
                format!("the scoring window {}–{} s does not start and end on {w}-s bin edges", s.window_start_s, s.window_end_s),
                "choose a bin width that divides the window start and end",
            ),
            _ => {}
        },
        ScoringMethod::Continuous => {}
    }
    if s.behaviours.is_empty() {
        c.report(
            "scoring.behaviours",
            "no behaviours are defined",
            "add [[scoring.behaviours]] tables",
        );
    }
    c.unique(
        "scoring.behaviours",
        "code",
        s.behaviours.iter().map(|b| b.code.as_str()),
        "behaviour code",
    );
    c.unique(
        "scoring.behaviours",
        "name",
        s.behaviours.iter().map(|b| b.name.as_str()),
        "behaviour name",
    );
    if let Some(l) = &s.latency {
        if !s.behaviours.iter().any(|b| b.name == l.behaviour) {
            c.report(
                "scoring.latency.behaviour",
                format!(
                    "latency refers to behaviour `{}`, which is not among the scored behaviours",
                    l.behaviour
                ),
                "use the `name` of one of [[scoring.behaviours]]",
            );
        }
    }
}

fn divides(step: f64, total: f64) -> bool {
    let k = total / step;
    (k - k.round()).abs() < 1e-9
}

fn check_design(c: &mut Checker, d: &Design) {
    if d.factors.is_empty() {
        c.report(
            "design.factors",
            "the design has no factors",
            "add [[design.factors]] with name and levels",
        );
    }
    c.unique(
        "design.factors",
        "name",
        d.factors.iter().map(|f| f.name.as_str()),
        "factor name",
    );
    for (i, f) in d.factors.iter().enumerate() {
        if f.levels.len() < 2 {
            c.report(
                format!("design.factors[{i}].levels"),
                format!("factor `{}` needs at least two levels", f.name),
                "",
            );
        }
        let mut seen = BTreeSet::new();
        for (j, level) in f.levels.iter().enumerate() {
            if !seen.insert(level.as_str()) {
                c.report(
                    format!("design.factors[{i}].levels[{j}]"),
                    format!("duplicate level `{level}` in factor `{}`", f.name),
                    "each level must appear once",
                );
            }
        }
    }
    if d.groups.len() < 2 {
        c.report("design.groups", "the design needs at least two groups", "");
    }
    c.unique(
        "design.groups",
        "id",
        d.groups.iter().map(|g| g.id.as_str()),
        "group id",
    );
    let factors: BTreeMap<&str, &Factor> = d.factors.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut combinations = BTreeMap::new();
    for (i, g) in d.groups.iter().enumerate() {
        if g.id.contains(',') || g.id.contains('"') {
            c.report(
                format!("design.groups[{i}].id"),
                format!("group id `{}` contains a comma or quote", g.id),
                "use letters, digits and dashes",
            );
        }
        for (factor, level) in &g.levels {
            match factors.get(factor.as_str()) {
                None => c.report(
                    format!("design.groups[{i}].levels.{factor}"),
                    format!(
                        "group `{}` sets factor `{factor}`, which is not a design factor",
                        g.id
                    ),
                    &format!(
                        "design factors: {}",
                        factors.keys().copied().collect::<Vec<_>>().join(", ")
                    ),
                ),
                Some(f) if !f.levels.contains(level) => c.report(
                    format!("design.groups[{i}].levels.{factor}"),
                    format!("`{level}` is not a level of factor `{factor}`"),
                    &format!("levels of `{factor}`: {}", f.levels.join(", ")),
                ),
                _ => {}
            }
        }
        for f in &d.factors {
            if !g.levels.contains_key(&f.name) {
                c.report(
                    format!("design.groups[{i}].levels"),
                    format!(
                        "group `{}` does not give a level for factor `{}`",
                        g.id, f.name
                    ),
                    &format!("add {} = \"…\" to its levels", f.name),
                );
            }
        }
        if let Some(other) = combinations.insert(&g.levels, &g.id) {
            c.report(
                format!("design.groups[{i}].levels"),
                format!(
                    "groups `{other}` and `{}` have the same factor levels",
                    g.id
                ),
                "every group must be a distinct combination of levels",
            );
        }
        if g.treatments.is_empty() {
            c.report(
                format!("design.groups[{i}].treatments"),
                format!("group `{}` has no treatment", g.id),
                "a vehicle group lists its vehicle with dose = 0",
            );
        }
        for (j, t) in g.treatments.iter().enumerate() {
            let base = format!("design.groups[{i}].treatments[{j}]");
            c.non_negative(format!("{base}.dose"), t.dose, "dose");
            c.positive(
                format!("{base}.volume_ml_per_kg"),
                t.volume_ml_per_kg,
                "dose volume",
            );
            if let Some(m) = t.pretreatment_min {
                c.non_negative(format!("{base}.pretreatment_min"), m, "pre-treatment time");
            }
            if t.compound.trim().is_empty() {
                c.report(format!("{base}.compound"), "compound is empty", "");
            }
        }
    }
    if !d.groups.iter().any(|g| g.id == d.control_group) {
        let ids: Vec<&str> = d.groups.iter().map(|g| g.id.as_str()).collect();
        c.report(
            "design.control_group",
            format!(
                "control group `{}` is not among the groups",
                d.control_group
            ),
            &format!("groups: {}", ids.join(", ")),
        );
    }
    if d.n_per_group < 2 {
        c.report(
            "design.n_per_group",
            format!(
                "n per group is {}; at least 2 animals per group are needed for any statistics",
                d.n_per_group
            ),
            "justify n with a power calculation (preclin stats power)",
        );
    }
    if d.n_per_group > MAX_N_PER_GROUP {
        c.report(
            "design.n_per_group",
            format!(
                "n per group is {}, more than the {MAX_N_PER_GROUP} a study's sheets are made for",
                d.n_per_group
            ),
            "justify n with a power calculation (preclin stats power); split a larger colony into several studies",
        );
    }
}

/// The longest session a protocol describes (24 h of home-cage activity).
pub const MAX_SESSION_S: f64 = 86_400.0;

/// The most bins or samples of one session a scoring sheet has columns for (a minute
/// bin over 24 h).
pub const MAX_COLUMNS_PER_SESSION: f64 = 1440.0;

/// The most animals per group a study is planned with: its sheets, workbook and blind
/// codes are made for that many.
pub const MAX_N_PER_GROUP: u32 = 1000;

fn check_randomisation(c: &mut Checker, p: &Protocol) {
    let r = &p.randomisation;
    match (r.method, r.block_by) {
        (RandomisationMethod::Blocked, None) => c.report(
            "randomisation",
            "blocked randomisation needs block_by",
            "add block_by = \"cage\" or \"batch\"",
        ),
        (RandomisationMethod::Complete, Some(_)) => c.report(
            "randomisation.block_by",
            "block_by is given but the method is complete randomisation",
            "use method = \"blocked\" or remove block_by",
        ),
        _ => {}
    }
    if r.block_by == Some(BlockBy::Batch) && r.batch_size.is_none() {
        c.report(
            "randomisation",
            "blocking by batch needs batch_size",
            "add batch_size, e.g. 8",
        );
    }
    if let Some(size) = r.batch_size {
        let k = p.design.groups.len() as u32;
        if size == 0 || (k > 0 && size % k != 0) {
            c.report(
                "randomisation.batch_size",
                format!("batch size {size} is not a multiple of the {k} groups, so batches cannot be balanced"),
                &format!("use a multiple of {k}"),
            );
        }
    }
    let k = p.design.groups.len() as u32;
    let per_cage = p.animals.housing.animals_per_cage;
    if r.block_by == Some(BlockBy::Cage) && k > 0 && per_cage % k != 0 {
        c.report(
            "randomisation.block_by",
            format!("cages of {per_cage} cannot hold the {k} groups equally"),
            &format!("block by batch, or house a multiple of {k} animals per cage"),
        );
    }
    if p.blinding.blinded.is_empty() {
        c.report(
            "blinding.blinded",
            "nobody is blinded",
            "list who is blinded, e.g. [\"experimenter\", \"scorer\"]",
        );
    }
    if let Some(prefix) = &p.blinding.code_prefix {
        if prefix.len() > 4 || !prefix.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            c.report(
                "blinding.code_prefix",
                format!("code prefix `{prefix}` must be 1–4 letters or digits"),
                "",
            );
        }
    }
}

fn check_endpoints(c: &mut Checker, endpoints: &[Endpoint]) {
    c.unique(
        "endpoints",
        "name",
        endpoints.iter().map(|e| e.name.as_str()),
        "endpoint name",
    );
    if !endpoints.iter().any(|e| e.primary) {
        c.report(
            "endpoints",
            "no endpoint is marked primary",
            "set primary = true on the primary endpoint",
        );
    }
}

fn check_analysis(c: &mut Checker, p: &Protocol) {
    let a = &p.analysis;
    if !(a.alpha > 0.0 && a.alpha < 1.0) {
        c.report(
            "analysis.alpha",
            format!("alpha must lie between 0 and 1, found {}", a.alpha),
            "usually 0.05",
        );
    }
    if let Some(t) = a.ss_type {
        if !(1..=3).contains(&t) {
            c.report(
                "analysis.ss_type",
                format!("ss_type must be 1, 2 or 3, found {t}"),
                "3 is what SPSS and Prism report",
            );
        }
    }
    let ids: BTreeSet<&str> = p.design.groups.iter().map(|g| g.id.as_str()).collect();
    match a.comparisons {
        ComparisonSet::Planned if a.planned_pairs.is_empty() => c.report(
            "analysis.comparisons",
            "planned comparisons are chosen but planned_pairs is empty",
            "add planned_pairs = [[\"VEH\", \"IMI\"]]",
        ),
        _ => {}
    }
    for (i, pair) in a.planned_pairs.iter().enumerate() {
        for (j, id) in pair.iter().enumerate() {
            if !ids.contains(id.as_str()) {
                c.report(
                    format!("analysis.planned_pairs[{i}][{j}]"),
                    format!("planned comparison names group `{id}`, which is not defined"),
                    "",
                );
            }
        }
    }
    check_trend_groups(c, p);
    let k = p.design.groups.len();
    let two_group_test = matches!(
        a.omnibus,
        OmnibusTest::T | OmnibusTest::WelchT | OmnibusTest::MannWhitney
    );
    if two_group_test && k != 2 {
        c.report(
            "analysis.omnibus",
            format!("a two-group test is planned for {k} groups"),
            "use anova, welch-anova or kruskal",
        );
    }
    if a.omnibus == OmnibusTest::TwoWayAnova && p.design.factors.len() < 2 {
        c.report(
            "analysis.omnibus",
            "two-way ANOVA needs two design factors",
            "",
        );
    }
}

/// The active compound and dose of a group: its treatments other than the vehicle (a
/// compound named `vehicle`, or a dose of 0). None for a vehicle group.
pub fn active_treatment(g: &super::Group) -> Option<(&str, f64)> {
    g.treatments
        .iter()
        .find(|t| t.dose > 0.0 && !t.compound.eq_ignore_ascii_case("vehicle"))
        .map(|t| (t.compound.as_str(), t.dose))
}

/// `trend_groups`: known groups, at least three, of one compound (vehicle aside) in
/// strictly increasing dose, in a one-factor design.
fn check_trend_groups(c: &mut Checker, p: &Protocol) {
    let list = &p.analysis.trend_groups;
    if list.is_empty() {
        return;
    }
    let path = "analysis.trend_groups";
    if p.design.factors.len() > 1 {
        c.report(
            path,
            "a test for trend over doses is planned in a design of several factors",
            "the trend test compares the groups of a one-factor design; remove trend_groups",
        );
        return;
    }
    if list.len() < 3 {
        c.report(
            path,
            format!("a trend needs at least 3 groups, found {}", list.len()),
            "list the vehicle and at least two doses of one compound, e.g. [\"VEH\", \"IMI15\", \"IMI30\"]",
        );
    }
    let mut seen: Vec<(&str, Option<(&str, f64)>)> = Vec::new();
    let mut first_unit = None;
    for (i, id) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(g) = p.design.groups.iter().find(|g| &g.id == id) else {
            c.report(
                at,
                format!("trend_groups names group `{id}`, which is not defined"),
                "",
            );
            return;
        };
        if seen.iter().any(|(s, _)| s == id) {
            c.report(at, format!("group `{id}` is listed twice"), "");
            return;
        }
        let active: Vec<&super::Treatment> = g
            .treatments
            .iter()
            .filter(|t| t.dose > 0.0 && !t.compound.eq_ignore_ascii_case("vehicle"))
            .collect();
        if active.len() > 1 {
            c.report(
                at,
                format!(
                    "group `{id}` receives {} compounds, so its dose is not one number",
                    active.len()
                ),
                "a trend over doses is for groups given one compound (or the vehicle)",
            );
            return;
        }
        if let (Some(t), Some(first)) = (active.first(), first_unit) {
            if t.dose_unit != first {
                c.report(
                    at,
                    format!("group `{id}` is dosed in another unit than the groups before it"),
                    "give the doses of the trend in one unit, so that they can be ordered and used as scores",
                );
                return;
            }
        }
        if first_unit.is_none() {
            first_unit = active.first().map(|t| t.dose_unit);
        }
        let here = active_treatment(g);
        if let (Some((compound, _)), Some((first_id, (first, _)))) =
            (here, seen.iter().find_map(|(s, t)| t.map(|t| (*s, t))))
        {
            if !compound.eq_ignore_ascii_case(first) {
                c.report(
                    at,
                    format!("the trend mixes compounds: `{first_id}` is {first}, `{id}` is {compound}"),
                    "a trend over doses is for one compound; list its groups (and the vehicle) only",
                );
                return;
            }
        }
        let dose = here.map_or(0.0, |(_, d)| d);
        if let Some(&(other, _)) = seen.iter().find(|(_, t)| t.map_or(0.0, |(_, d)| d) == dose) {
            c.report(
                at,
                format!("groups `{other}` and `{id}` have the same dose ({dose}), so the trend has no order between them"),
                "list each dose once, in increasing order",
            );
            return;
        }
        if let Some(&(prev, t)) = seen.last() {
            let before = t.map_or(0.0, |(_, d)| d);
            if dose < before {
                c.report(
                    at,
                    format!("group `{id}` ({dose}) comes after `{prev}` ({before}): the groups are not in increasing dose"),
                    "list the groups from the lowest dose (or the vehicle) to the highest",
                );
                return;
            }
        }
        seen.push((id.as_str(), here));
    }
}

fn check_stress(c: &mut Checker, s: &StressRegimen, d: &Design) {
    match d.factors.iter().find(|f| f.name == s.factor) {
        None => c.report(
            "stress.factor",
            format!("stress factor `{}` is not a design factor", s.factor),
            "",
        ),
        Some(f) if !f.levels.contains(&s.level) => c.report(
            "stress.level",
            format!("`{}` is not a level of factor `{}`", s.level, s.factor),
            &format!("levels: {}", f.levels.join(", ")),
        ),
        _ => {}
    }
    if s.weeks == 0 {
        c.report("stress.weeks", "the stress regimen lasts 0 weeks", "");
    }
    if let Some(w) = s.treatment_start_week {
        if w == 0 || w > s.weeks {
            c.report(
                "stress.treatment_start_week",
                format!("treatment starts in week {w}, outside weeks 1–{}", s.weeks),
                "",
            );
        }
    }
    let slots: u32 = s.stressors.iter().map(|x| x.per_week).sum();
    if slots > 14 {
        c.report(
            "stress.stressors",
            format!("{slots} stressor periods per week do not fit in 14 periods (7 days × day and overnight)"),
            "lower per_week of some stressors",
        );
    }
    c.unique(
        "stress.stressors",
        "name",
        s.stressors.iter().map(|x| x.name.as_str()),
        "stressor",
    );
    for (i, x) in s.stressors.iter().enumerate() {
        c.positive(
            format!("stress.stressors[{i}].duration_h"),
            x.duration_h,
            "stressor duration",
        );
    }
    if let Some(t) = &s.sucrose_test {
        if !(1..=7).contains(&t.day_of_week) {
            c.report(
                "stress.sucrose_test.day_of_week",
                "day_of_week must be 1 (Monday) to 7 (Sunday)",
                "",
            );
        }
        c.positive(
            "stress.sucrose_test.sucrose_pct",
            t.sucrose_pct,
            "sucrose concentration",
        );
    }
}

fn check_sheets(c: &mut Checker, p: &Protocol) {
    // Names of files and worksheets that preclin writes itself beside the capture sheets.
    let reserved = ["run-order", "columns", "lists", "capture"];
    c.unique(
        "sheets",
        "name",
        p.sheets.iter().map(|s| s.name.as_str()),
        "sheet name",
    );
    for (i, s) in p.sheets.iter().enumerate() {
        let base = format!("sheets[{i}]");
        if reserved.contains(&s.name.as_str()) || (s.name == "scoring" && p.scoring.is_some()) {
            c.report(
                format!("{base}.name"),
                format!("sheet name `{}` is reserved", s.name),
                "choose another name",
            );
        }
        if s.name.len() > 31
            || !s
                .name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            c.report(
                format!("{base}.name"),
                format!(
                    "sheet name `{}` must be at most 31 letters, digits, dashes or underscores",
                    s.name
                ),
                "Excel limits worksheet names to 31 characters",
            );
        }
        match (s.rows, s.weeks) {
            (RowLayout::AnimalWeeks, None) => c.report(
                &base,
                "rows = \"animal-weeks\" needs weeks = [first, last]",
                "e.g. weeks = [0, 7]",
            ),
            (RowLayout::AnimalWeeks, Some([a, b])) if a > b => c.report(
                format!("{base}.weeks"),
                format!("weeks [{a}, {b}] run backwards"),
                "",
            ),
            _ => {}
        }
        if s.columns.is_empty() {
            c.report(
                format!("{base}.columns"),
                format!("sheet `{}` has no columns", s.name),
                "",
            );
        }
        c.unique(
            &format!("{base}.columns"),
            "name",
            s.columns.iter().map(|x| x.name.as_str()),
            "column name",
        );
        for (j, col) in s.columns.iter().enumerate() {
            let cbase = format!("{base}.columns[{j}]");
            c.ordered(
                &format!("{cbase}.max"),
                col.min,
                col.max,
                &format!("column `{}`", col.name),
            );
            let is_choice = col.kind == ColumnKind::Choice;
            if is_choice && col.choices.is_empty() && col.choices_from.is_none() {
                c.report(
                    &cbase,
                    format!("choice column `{}` has no choices", col.name),
                    "add choices = [\"…\"] or choices_from = \"blind-codes\"",
                );
            }
            if !is_choice && (!col.choices.is_empty() || col.choices_from.is_some()) {
                c.report(
                    &cbase,
                    format!(
                        "column `{}` lists choices but its kind is not `choice`",
                        col.name
                    ),
                    "set kind = \"choice\"",
                );
            }
            let numeric = matches!(col.kind, ColumnKind::Number | ColumnKind::Integer);
            if !numeric && (col.min.is_some() || col.max.is_some()) {
                c.report(
                    &cbase,
                    format!("column `{}` has a range but is not numeric", col.name),
                    "",
                );
            }
        }
    }
    let sheet_names: BTreeSet<&str> = p.sheets.iter().map(|s| s.name.as_str()).collect();
    c.unique(
        "assays",
        "id",
        p.assays.iter().map(|a| a.id.as_str()),
        "assay id",
    );
    for (i, a) in p.assays.iter().enumerate() {
        for (j, s) in a.sheets.iter().enumerate() {
            if !sheet_names.contains(s.as_str()) {
                c.report(
                    format!("assays[{i}].sheets[{j}]"),
                    format!(
                        "assay `{}` refers to sheet `{s}`, which is not defined",
                        a.id
                    ),
                    "define it with [[sheets]]",
                );
            }
        }
        check_assay_options(c, i, a);
        // `analyze` reads one assay of each kind: a second one would be left out unseen.
        if let Some(first) = p.assays[..i].iter().find(|b| b.kind == a.kind) {
            c.report(
                format!("assays[{i}].kind"),
                format!(
                    "assay `{}` is a second {} assay (the first is `{}`); one assay of each kind is analysed",
                    a.id,
                    kind_name(a.kind),
                    first.id
                ),
                "merge them: one assay lists every metabolite, target or sheet of its kind",
            );
        }
    }
}

/// The protocol-file spelling of an assay kind (`hplc-activity`).
fn kind_name(kind: super::AssayKind) -> String {
    toml::Value::try_from(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The optional fields of an assay: only where they apply, and with sensible values.
fn check_assay_options(c: &mut Checker, i: usize, a: &super::Assay) {
    use super::{AssayKind, CurveShape};
    let base = format!("assays[{i}]");
    let qpcr = a.kind == AssayKind::Qpcr;
    let curves = matches!(a.kind, AssayKind::HplcActivity | AssayKind::ProteinAssay);
    let misplaced = [
        ("curve", a.curve.is_some() && !curves),
        (
            "weighting",
            a.weighting.is_some() && a.kind != AssayKind::HplcActivity,
        ),
        (
            "wavelength_nm",
            a.wavelength_nm.is_some() && a.kind != AssayKind::ProteinAssay,
        ),
        ("max_cq", a.max_cq.is_some() && !qpcr),
        ("undetermined_cq", a.undetermined_cq.is_some() && !qpcr),
        ("max_replicate_sd", a.max_replicate_sd.is_some() && !qpcr),
        ("efficiencies", !a.efficiencies.is_empty() && !qpcr),
    ];
    for (field, wrong) in misplaced {
        if wrong {
            c.report(
                format!("{base}.{field}"),
                format!(
                    "assay `{}` ({}) does not use `{field}`",
                    a.id,
                    kind_name(a.kind)
                ),
                "remove it, or move it to the assay it belongs to",
            );
        }
    }
    if a.kind == AssayKind::HplcActivity && a.curve == Some(CurveShape::FourParameterLogistic) {
        c.report(
            format!("{base}.curve"),
            "HPLC calibration is linear or quadratic".to_string(),
            "use curve = \"linear\" or \"quadratic\"",
        );
    }
    if a.kind == AssayKind::ProteinAssay && a.curve == Some(CurveShape::Quadratic) {
        c.report(
            format!("{base}.curve"),
            "a protein standard curve is linear or four-parameter logistic".to_string(),
            "use curve = \"linear\" or \"4pl\"",
        );
    }
    for (field, value, lo, hi) in [
        ("max_cq", a.max_cq, 10.0, 50.0),
        ("undetermined_cq", a.undetermined_cq, 10.0, 50.0),
        ("max_replicate_sd", a.max_replicate_sd, 0.0, 5.0),
    ] {
        if let Some(v) = value.filter(|v| !(*v > lo && *v <= hi)) {
            c.report(
                format!("{base}.{field}"),
                format!("`{field}` is {v}, outside ({lo}, {hi}]"),
                "Cq values are cycles (35 and 40 are usual limits); replicate SD is in cycles (0.5 is usual)",
            );
        }
    }
    let genes: Vec<&String> = a.targets.iter().chain(&a.reference_genes).collect();
    for (gene, e) in &a.efficiencies {
        if !genes.contains(&gene) {
            c.report(
                format!("{base}.efficiencies.{gene}"),
                format!(
                    "`{gene}` is neither a target nor a reference gene of assay `{}`",
                    a.id
                ),
                "give efficiencies for the genes listed in targets and reference_genes",
            );
        }
        if !(*e > 1.0 && *e <= 2.5) {
            c.report(
                format!("{base}.efficiencies.{gene}"),
                format!("efficiency {e} of `{gene}` is outside (1, 2.5]"),
                "give E = 1 + efficiency, e.g. 1.95 for 95 %",
            );
        }
    }
    if !a.efficiencies.is_empty() {
        for gene in genes.iter().filter(|g| !a.efficiencies.contains_key(**g)) {
            c.report(
                format!("{base}.efficiencies"),
                format!("no efficiency for `{gene}`"),
                "Pfaffl's ratio needs the efficiency of every target and reference gene",
            );
        }
    }
}

fn check_exclusions(c: &mut Checker, p: &Protocol, columns_known: bool) {
    c.unique(
        "exclusions",
        "id",
        p.exclusions.iter().map(|e| e.id.as_str()),
        "exclusion id",
    );
    let columns = if columns_known {
        super::known_columns(p)
    } else {
        Default::default()
    };
    for (i, e) in p.exclusions.iter().enumerate() {
        c.ordered(
            &format!("exclusions[{i}].max"),
            e.min,
            e.max,
            "exclusion range",
        );
        match &e.column {
            Some(col) if columns_known && !columns.contains(col) => c.report(
                format!("exclusions[{i}].column"),
                format!(
                    "exclusion `{}` checks column `{col}`, which no capture sheet has",
                    e.id
                ),
                "",
            ),
            None if e.min.is_some() || e.max.is_some() => c.report(
                format!("exclusions[{i}]"),
                format!("exclusion `{}` has a range but no column", e.id),
                "add column = \"…\"",
            ),
            _ => {}
        }
    }
}
