//! The week-by-week stressor calendar of a chronic mild stress regimen.
//!
//! Every week has 14 periods (7 days × day and overnight). The protocol says how many
//! periods each stressor takes per week; the remaining periods are stress-free. The
//! periods of each week are shuffled (seeded) so that the schedule is unpredictable to
//! the animals, as in Willner's procedure, and the same stressor does not run twice in a
//! row when that can be avoided.

use crate::protocol::StressRegimen;

use super::random::StudyRng;

pub const PERIODS_PER_DAY: [&str; 2] = ["day", "overnight"];
pub const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const NO_STRESSOR: &str = "none";
const RESHUFFLES: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    pub week: u32,
    /// 1 = Monday … 7 = Sunday.
    pub day: u32,
    pub period: &'static str,
    pub stressor: String,
    pub duration_h: Option<f64>,
    pub drug_treatment: bool,
    pub sucrose_test: bool,
}

/// The full calendar, week 1 first.
pub fn stressor_calendar(regimen: &StressRegimen, seed: u64) -> Vec<CalendarEntry> {
    let mut rng = StudyRng::new(seed, "stressor-calendar");
    let slots = DAYS.len() * PERIODS_PER_DAY.len();
    let mut week_template: Vec<Option<usize>> = regimen
        .stressors
        .iter()
        .enumerate()
        .flat_map(|(i, s)| std::iter::repeat_n(Some(i), s.per_week as usize))
        .collect();
    week_template.resize(slots.max(week_template.len()), None);
    let mut out = Vec::new();
    for week in 1..=regimen.weeks {
        let mut order = week_template.clone();
        for _ in 0..RESHUFFLES {
            rng.shuffle(&mut order);
            if !order.windows(2).any(|w| w[0].is_some() && w[0] == w[1]) {
                break;
            }
        }
        let treated = regimen.treatment_start_week.is_some_and(|w| week >= w);
        for (slot, stressor) in order.iter().enumerate() {
            let day = (slot / PERIODS_PER_DAY.len()) as u32 + 1;
            let period = PERIODS_PER_DAY[slot % PERIODS_PER_DAY.len()];
            let sucrose_test = regimen
                .sucrose_test
                .as_ref()
                .is_some_and(|t| t.day_of_week == day && period == PERIODS_PER_DAY[0]);
            out.push(CalendarEntry {
                week,
                day,
                period,
                stressor: stressor.map_or(NO_STRESSOR.to_string(), |i| {
                    regimen.stressors[i].name.clone()
                }),
                duration_h: stressor.map(|i| regimen.stressors[i].duration_h),
                drug_treatment: treated,
                sucrose_test,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Stressor;

    fn regimen() -> StressRegimen {
        let s = |name: &str, per_week| Stressor {
            name: name.to_string(),
            duration_h: 12.0,
            per_week,
        };
        StressRegimen {
            factor: "stress".into(),
            level: "CMS".into(),
            weeks: 3,
            treatment_start_week: Some(2),
            stressors: vec![s("tilt", 2), s("wet bedding", 2), s("strobe", 3)],
            sucrose_test: None,
        }
    }

    #[test]
    fn each_week_holds_each_stressor_as_often_as_the_protocol_says() {
        let cal = stressor_calendar(&regimen(), 11);
        assert_eq!(cal.len(), 3 * 14);
        for week in 1..=3 {
            let of = |name: &str| {
                cal.iter()
                    .filter(|e| e.week == week && e.stressor == name)
                    .count()
            };
            assert_eq!(
                (of("tilt"), of("wet bedding"), of("strobe"), of("none")),
                (2, 2, 3, 7)
            );
        }
        assert!(cal
            .iter()
            .filter(|e| e.week == 1)
            .all(|e| !e.drug_treatment));
        assert!(cal.iter().filter(|e| e.week >= 2).all(|e| e.drug_treatment));
    }

    #[test]
    fn calendar_is_seeded() {
        assert_eq!(
            stressor_calendar(&regimen(), 4),
            stressor_calendar(&regimen(), 4)
        );
        assert_ne!(
            stressor_calendar(&regimen(), 4),
            stressor_calendar(&regimen(), 5)
        );
    }
}
