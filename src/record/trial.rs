//! One trial as a state machine: actions in, bouts and totals out. Times are session times
//! in milliseconds (pauses excluded), given by the caller, so the same actions always give
//! the same trial, live, from a script or replayed from the journal.
//!
//! Every behaviour of the protocol's ethogram is a *state*: pressing its key starts a bout,
//! pressing it again stops it, and pressing another behaviour's key stops it and starts that
//! one (the behaviours of a forced swim test exclude each other: a rat is immobile, swimming
//! or climbing). The session ends at the protocol's duration, closing an open bout there.

use std::collections::BTreeMap;

use crate::analysis::score_animal;
use crate::ingest::BehaviourEvent;
use crate::protocol::Scoring;

/// What the scorer did, at a session time.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The key of behaviour `i` of the ethogram.
    Toggle(usize),
    Pause,
    Resume,
    /// Takes back the last behaviour key.
    Undo,
    Note(String),
    /// The trial ends before its time, with the protocol's exclusion criterion that says why.
    EndEarly(String),
}

/// One bout of a behaviour, in milliseconds of session time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bout {
    pub behaviour: usize,
    pub start_ms: u64,
    pub stop_ms: u64,
}

/// How a trial ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// At the protocol's session duration.
    Duration,
    /// Stopped by the scorer, with the exclusion criterion given.
    Early { at_ms: u64, exclusion: String },
}

/// The trial so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub duration_ms: u64,
    behaviours: usize,
    /// The behaviour keys still in force (undo removes the last), with their times.
    toggles: Vec<(u64, usize)>,
    /// The latest time seen; actions never go back in time.
    pub now_ms: u64,
    pub paused: bool,
    /// Paused at least once, or resumed after preclin stopped: the trial was interrupted.
    pub interrupted: bool,
    /// Session times at which the trial was paused.
    pub pauses: Vec<u64>,
    pub notes: Vec<(u64, String)>,
    pub ending: Option<Ending>,
}

/// Live figures of a trial, by the rules `analyze` applies to a recorded sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// The scoring-sheet cells (time in the window, bins, counts, latency).
    pub cells: BTreeMap<String, String>,
    /// Seconds of each behaviour per minute of the session (bouts shorter than the
    /// protocol's minimum left out).
    pub per_minute: Vec<Vec<f64>>,
    /// The behaviour under way, if any, since when.
    pub current: Option<(usize, u64)>,
}

impl Trial {
    pub fn new(duration_ms: u64, behaviours: usize) -> Self {
        Trial {
            duration_ms,
            behaviours,
            toggles: Vec::new(),
            now_ms: 0,
            paused: false,
            interrupted: false,
            pauses: Vec::new(),
            notes: Vec::new(),
            ending: None,
        }
    }

    pub fn finished(&self) -> bool {
        self.ending.is_some()
    }

    /// The session clock reached `t_ms`: the trial ends at its duration.
    pub fn tick(&mut self, t_ms: u64) {
        if self.finished() {
            return;
        }
        self.now_ms = self.now_ms.max(t_ms.min(self.duration_ms));
        if t_ms >= self.duration_ms {
            self.ending = Some(Ending::Duration);
        }
    }

    /// Applies `action` at `t_ms`; returns false (and changes nothing) when the action
    /// cannot apply: after the end, while paused, or undo with nothing to undo.
    pub fn apply(&mut self, t_ms: u64, action: &Action) -> bool {
        self.tick(t_ms);
        if self.finished() {
            return false;
        }
        let t = self.now_ms;
        match action {
            Action::Toggle(i) if *i < self.behaviours && !self.paused => {
                self.toggles.push((t, *i));
                true
            }
            Action::Toggle(_) => false,
            Action::Pause if !self.paused => {
                self.paused = true;
                self.interrupted = true;
                self.pauses.push(t);
                true
            }
            Action::Resume if self.paused => {
                self.paused = false;
                true
            }
            Action::Pause | Action::Resume => false,
            Action::Undo => self.toggles.pop().is_some(),
            Action::Note(text) => {
                self.notes.push((t, text.clone()));
                true
            }
            Action::EndEarly(exclusion) => {
                self.ending = Some(Ending::Early {
                    at_ms: t,
                    exclusion: exclusion.clone(),
                });
                true
            }
        }
    }

    /// The end of the observation: the duration, or the time the trial was stopped.
    pub fn end_ms(&self) -> u64 {
        match &self.ending {
            Some(Ending::Early { at_ms, .. }) => *at_ms,
            _ if self.finished() => self.duration_ms,
            _ => self.now_ms,
        }
    }

    /// The bouts, an open one closed at the current time (or the end).
    pub fn bouts(&self) -> Vec<Bout> {
        let mut bouts = Vec::new();
        let mut open: Option<(usize, u64)> = None;
        for &(t, i) in &self.toggles {
            match open {
                Some((j, from)) => {
                    if t > from {
                        bouts.push(Bout {
                            behaviour: j,
                            start_ms: from,
                            stop_ms: t,
                        });
                    }
                    open = (j != i).then_some((i, t));
                }
                None => open = Some((i, t)),
            }
        }
        if let Some((j, from)) = open {
            let end = self.end_ms();
            if end > from {
                bouts.push(Bout {
                    behaviour: j,
                    start_ms: from,
                    stop_ms: end,
                });
            }
        }
        bouts
    }

    /// The behaviour under way and since when.
    pub fn current(&self) -> Option<(usize, u64)> {
        let mut open: Option<(usize, u64)> = None;
        for &(t, i) in &self.toggles {
            open = match open {
                Some((j, _)) if j == i => None,
                _ => Some((i, t)),
            };
        }
        open.filter(|_| !self.finished())
    }

    /// The bouts as the events of an event log, as `import boris` reads them.
    pub fn events(&self, animal: &str, names: &[String]) -> Vec<BehaviourEvent> {
        self.bouts()
            .into_iter()
            .map(|b| BehaviourEvent {
                animal: animal.to_string(),
                behaviour: names[b.behaviour].clone(),
                start_s: b.start_ms as f64 / 1000.0,
                stop_s: b.stop_ms as f64 / 1000.0,
                point: false,
                row: 0,
                stop_row: 0,
            })
            .collect()
    }

    /// Totals of the trial so far by the protocol's scoring rules.
    pub fn totals(&self, scoring: &Scoring, session_s: f64) -> Totals {
        let names: Vec<String> = scoring.behaviours.iter().map(|b| b.name.clone()).collect();
        let events = self.events("", &names);
        let refs: Vec<&BehaviourEvent> = events.iter().collect();
        let cells = score_animal(scoring, session_s, &refs);
        let minutes = (session_s / 60.0).ceil() as usize;
        let mut per_minute = vec![vec![0.0; minutes]; names.len()];
        for e in &events {
            if e.stop_s - e.start_s < scoring.min_bout_s {
                continue;
            }
            let i = names.iter().position(|n| *n == e.behaviour).unwrap_or(0);
            for (m, cell) in per_minute[i].iter_mut().enumerate() {
                let (a, z) = (m as f64 * 60.0, (m + 1) as f64 * 60.0);
                *cell += (e.stop_s.min(z) - e.start_s.max(a)).max(0.0);
            }
        }
        Totals {
            cells,
            per_minute,
            current: self.current(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Behaviour, CensorPoint, Latency, LatencyOrigin, ScoringMethod};

    fn behaviour(code: &str, name: &str) -> Behaviour {
        Behaviour {
            code: code.into(),
            name: name.into(),
            definition: String::new(),
        }
    }

    /// The mouse FST: 6-min session, last 4 min scored, 2-s minimum bout, latency from the
    /// session start, censored at its end.
    fn mouse() -> Scoring {
        Scoring {
            session: "test".into(),
            window_start_s: 120.0,
            window_end_s: 360.0,
            method: ScoringMethod::Continuous,
            sampling_interval_s: None,
            bin_width_s: None,
            min_bout_s: 2.0,
            behaviours: vec![behaviour("i", "immobility")],
            latency: Some(Latency {
                behaviour: "immobility".into(),
                measured_from: LatencyOrigin::SessionStart,
                censored_at: CensorPoint::SessionEnd,
            }),
        }
    }

    fn run(trial: &mut Trial, actions: &[(u64, Action)]) {
        for (t, a) in actions {
            trial.apply(*t, a);
        }
    }

    #[test]
    fn bouts_in_the_window_are_counted_short_ones_left_out_and_an_open_one_closed_at_the_end() {
        let mut t = Trial::new(360_000, 1);
        run(
            &mut t,
            &[
                (100_000, Action::Toggle(0)), // 100–130: 10 s fall in the window
                (130_000, Action::Toggle(0)),
                (200_000, Action::Toggle(0)), // 1.5 s: shorter than the minimum
                (201_500, Action::Toggle(0)),
                (300_000, Action::Toggle(0)), // open at the end: 300–360
            ],
        );
        t.tick(400_000);
        assert_eq!(t.ending, Some(Ending::Duration));
        let totals = t.totals(&mouse(), 360.0);
        // 10 + 60 = 70 s; the 1.5-s bout is not immobility.
        assert_eq!(totals.cells["immobility_s"], "70");
        assert_eq!(totals.cells["immobility_bouts"], "2");
        assert_eq!(totals.cells["latency_immobility_s"], "100");
        assert_eq!(totals.per_minute[0][1], 20.0); // minute 2 (60–120 s): 100–120
        assert_eq!(totals.per_minute[0][2], 10.0); // minute 3 (120–180 s): 120–130
        assert_eq!(totals.per_minute[0][5], 60.0);
        // Keys after the end do nothing.
        assert!(!t.apply(400_000, &Action::Toggle(0)));
    }

    #[test]
    fn another_state_stops_the_one_under_way() {
        let mut t = Trial::new(300_000, 3);
        run(
            &mut t,
            &[
                (0, Action::Toggle(1)),      // swimming 0–10
                (10_000, Action::Toggle(0)), // immobility 10–25
                (25_000, Action::Toggle(2)), // climbing 25–30
                (30_000, Action::Toggle(2)),
            ],
        );
        let b = t.bouts();
        assert_eq!(
            b.iter()
                .map(|b| (b.behaviour, b.start_ms, b.stop_ms))
                .collect::<Vec<_>>(),
            vec![(1, 0, 10_000), (0, 10_000, 25_000), (2, 25_000, 30_000)]
        );
        assert_eq!(t.current(), None);
    }

    #[test]
    fn undo_takes_back_the_last_key_only() {
        let mut t = Trial::new(360_000, 1);
        run(
            &mut t,
            &[
                (130_000, Action::Toggle(0)),
                (140_000, Action::Toggle(0)),
                (150_000, Action::Toggle(0)),
                (155_000, Action::Undo), // the start at 150 s goes
                (160_000, Action::Undo), // the stop at 140 s goes: the bout runs on
            ],
        );
        assert_eq!(t.current(), Some((0, 130_000)));
        t.tick(170_000);
        assert_eq!(
            t.bouts(),
            vec![Bout {
                behaviour: 0,
                start_ms: 130_000,
                stop_ms: 170_000
            }]
        );
        assert!(t.apply(171_000, &Action::Undo));
        assert!(!t.apply(172_000, &Action::Undo), "nothing left to undo");
    }

    #[test]
    fn a_pause_stops_keys_and_marks_the_trial_interrupted() {
        let mut t = Trial::new(360_000, 1);
        assert!(t.apply(50_000, &Action::Pause));
        assert!(!t.apply(50_000, &Action::Toggle(0)), "no key while paused");
        assert!(t.apply(50_000, &Action::Resume));
        assert!(t.interrupted);
        assert_eq!(t.pauses, vec![50_000]);
        assert!(t.apply(60_000, &Action::Toggle(0)));
    }

    #[test]
    fn no_bout_leaves_the_latency_censored_and_an_early_stop_ends_the_observation() {
        let mut t = Trial::new(360_000, 1);
        t.tick(360_000);
        let totals = t.totals(&mouse(), 360.0);
        assert_eq!(totals.cells["immobility_s"], "0");
        assert_eq!(totals.cells["latency_immobility_s"], "", "censored");

        let mut early = Trial::new(360_000, 1);
        run(
            &mut early,
            &[
                (10_000, Action::Toggle(0)),
                (90_500, Action::EndEarly("rescued".into())),
            ],
        );
        assert_eq!(early.end_ms(), 90_500);
        assert_eq!(early.bouts()[0].stop_ms, 90_500);
    }
}
