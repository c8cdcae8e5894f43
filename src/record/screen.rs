//! The live screen of `preclin record`: a big clock of the whole session with the scoring
//! window marked, one key per behaviour, live totals, and a help line always shown.
//!
//! Timing comes from a monotonic clock ([`Instant`]) read as each key is taken, before the
//! screen is drawn; every pending key is handled before the next frame, so a slow terminal
//! delays the picture, never the times.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::{DefaultTerminal, Frame};

use super::bench::{seconds, Bench, Status};
use super::recorder::{Begun, Recorder};
use super::{Action, RecordError, Unfinished};

/// The smallest terminal the screen fits.
pub const MIN_SIZE: (u16, u16) = (64, 22);

/// Runs the recorder in the terminal; returns the blind codes whose trials ended.
pub fn run(
    bench: &mut Bench,
    animal: Option<String>,
    again: bool,
    unfinished: Option<Unfinished>,
    clock: Clock,
) -> Result<Vec<String>, RecordError> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(RecordError::NoTerminal);
    }
    let (w, h) = ratatui::crossterm::terminal::size().unwrap_or((0, 0));
    if w < MIN_SIZE.0 || h < MIN_SIZE.1 {
        return Err(RecordError::TerminalTooSmall {
            have_w: w,
            have_h: h,
            need_w: MIN_SIZE.0,
            need_h: MIN_SIZE.1,
        });
    }
    let mut terminal = ratatui::try_init().map_err(|e| RecordError::io("terminal".as_ref(), e))?;
    let mut app = App {
        done: Vec::new(),
        message: None,
        again,
        unfinished,
        clock,
    };
    let result = app.animals(&mut terminal, bench, animal);
    ratatui::restore();
    result.map(|()| app.done)
}

/// Where the session time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A monotonic clock started with the trial: scoring at the bench.
    Live,
    /// Moved by the scorer, forward only: scoring from a video, at the player's time.
    Manual,
}

impl Clock {
    fn label(self) -> &'static str {
        match self {
            Clock::Live => "live",
            Clock::Manual => "manual",
        }
    }
}

struct App {
    done: Vec<String>,
    message: Option<(String, Color)>,
    again: bool,
    unfinished: Option<Unfinished>,
    clock: Clock,
}

/// What the scorer typed in a prompt.
enum Typed {
    Text(String),
    Cancelled,
}

fn key() -> Option<(KeyCode, KeyModifiers)> {
    match event::read().ok()? {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some((k.code, k.modifiers)),
        _ => None,
    }
}

fn is_ctrl_c(code: KeyCode, m: KeyModifiers) -> bool {
    code == KeyCode::Char('c') && m.contains(KeyModifiers::CONTROL)
}

impl App {
    /// Walks the run order from `first` (or the next unrecorded animal).
    fn animals(
        &mut self,
        term: &mut DefaultTerminal,
        bench: &mut Bench,
        first: Option<String>,
    ) -> Result<(), RecordError> {
        let mut code = match first {
            Some(c) => Some(c),
            None => bench.next_animal()?.map(|e| e.code.clone()),
        };
        loop {
            let Some(current) = code.clone() else {
                self.notice(
                    term,
                    bench,
                    "Every animal of the run order is recorded. Press any key.",
                )?;
                return Ok(());
            };
            let entry = bench.entry(&current)?.clone();
            let status = bench.status(&current)?;
            let lines = vec![
                Line::from(vec![
                    Span::raw("Next animal   "),
                    Span::styled(
                        entry.code.clone(),
                        Style::new().add_modifier(Modifier::BOLD).fg(Color::Yellow),
                    ),
                ]),
                Line::from(format!("run order {}   cage {}", entry.order, entry.cage)),
                Line::from(match status {
                    Status::NotRecorded => "not recorded yet".to_string(),
                    Status::Unfinished => {
                        "its trial was not finished: Enter to choose resume, discard or failed"
                            .into()
                    }
                    Status::Finished => {
                        "already recorded (Enter records it again; the earlier journal is kept)"
                            .into()
                    }
                }),
            ];
            self.draw_page(
                term,
                bench,
                "Run order",
                lines,
                "Enter begin   j jump to a blind code   s skip   q quit",
            )?;
            let Some((k, m)) = key() else { continue };
            match k {
                KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                _ if is_ctrl_c(k, m) => return Ok(()),
                KeyCode::Char('j') => {
                    if let Typed::Text(c) = self.prompt(term, bench, "Jump to blind code", "")? {
                        let c = c.trim().to_uppercase();
                        match bench.entry(&c) {
                            Ok(_) => code = Some(c),
                            Err(e) => self.message = Some((first_line(&e), Color::Red)),
                        }
                    }
                }
                KeyCode::Char('s') => {
                    if let Typed::Text(why) =
                        self.prompt(term, bench, &format!("Skip {current}: reason"), "")?
                    {
                        skip_note(bench, &current, &why)?;
                        code = next_after(bench, &current);
                    }
                }
                KeyCode::Enter => {
                    let again = self.again || status == Status::Finished;
                    let unfinished = match status {
                        Status::Unfinished => match self.unfinished {
                            Some(u) => Some(u),
                            None => match self.choose_unfinished(term, bench, &current)? {
                                Some(u) => Some(u),
                                None => continue,
                            },
                        },
                        _ => None,
                    };
                    match Recorder::begin(bench, &current, again, unfinished, self.clock.label()) {
                        Ok(Begun::Recording(mut r)) => {
                            let finished = self.trial(term, bench, &mut r)?;
                            if !finished {
                                return Ok(());
                            }
                            self.done.push(current.clone());
                            self.message = Some((
                                format!("{current} recorded and written to the scoring sheet"),
                                Color::Green,
                            ));
                        }
                        Ok(Begun::MarkedFailed) => {
                            self.message = Some((
                                format!("{current} marked failed (excluded)"),
                                Color::Yellow,
                            ));
                        }
                        Err(e) => {
                            self.message = Some((first_line(&e), Color::Red));
                            continue;
                        }
                    }
                    code = bench.next_animal()?.map(|e| e.code.clone());
                }
                _ => {}
            }
        }
    }

    fn choose_unfinished(
        &mut self,
        term: &mut DefaultTerminal,
        bench: &Bench,
        code: &str,
    ) -> Result<Option<Unfinished>, RecordError> {
        loop {
            let lines = vec![Line::from(format!(
                "The trial of {code} was not finished when preclin stopped."
            ))];
            self.draw_page(
                term,
                bench,
                "Unfinished trial",
                lines,
                "r resume from its last event   d discard (kept aside)   f mark failed   Esc back",
            )?;
            match key().map(|k| k.0) {
                Some(KeyCode::Char('r')) => return Ok(Some(Unfinished::Resume)),
                Some(KeyCode::Char('d')) => return Ok(Some(Unfinished::Discard)),
                Some(KeyCode::Char('f')) => return Ok(Some(Unfinished::Failed)),
                Some(KeyCode::Esc) => return Ok(None),
                _ => {}
            }
        }
    }

    /// One trial: the cells before the swim, then the session. False when the scorer quit.
    fn trial(
        &mut self,
        term: &mut DefaultTerminal,
        bench: &mut Bench,
        r: &mut Recorder,
    ) -> Result<bool, RecordError> {
        if !r.started {
            let fields = bench.fields.clone();
            for column in &fields {
                let before = r
                    .fields
                    .iter()
                    .find(|(n, _)| *n == column.name)
                    .map(|(_, v)| v.clone());
                loop {
                    let range = match (column.min, column.max) {
                        (Some(a), Some(b)) => format!(" ({a}–{b})"),
                        _ => String::new(),
                    };
                    let title = format!("{} — {}{range}", column.name, column.description);
                    match self.prompt(term, bench, &title, before.as_deref().unwrap_or(""))? {
                        Typed::Cancelled => return Ok(false),
                        Typed::Text(v) => match r.field(bench, &column.name, &v) {
                            Ok(()) => break,
                            Err(e) => self.message = Some((first_line(&e), Color::Red)),
                        },
                    }
                }
            }
            if let Some(e) = bench.broken_criterion(&r.fields) {
                self.message = Some((
                    format!(
                        "flagged, the animal will be excluded ({}): {}",
                        e.id, e.description
                    ),
                    Color::Yellow,
                ));
            }
            loop {
                let lines = vec![Line::from(format!(
                    "{} is ready. Press Enter when the animal goes in: the clock starts.",
                    r.code
                ))];
                self.draw_page(
                    term,
                    bench,
                    "Ready",
                    lines,
                    "Enter start the clock   q quit",
                )?;
                match key() {
                    Some((KeyCode::Enter, _)) => break,
                    Some((KeyCode::Char('q'), _)) => return Ok(false),
                    Some((k, m)) if is_ctrl_c(k, m) => return Ok(false),
                    _ => {}
                }
            }
            r.start()?;
        }
        // The session clock: `base` ms at `since`, running unless paused; a manual clock
        // is `base`, moved by the scorer.
        let manual = self.clock == Clock::Manual;
        let mut base = r.trial.now_ms;
        let mut since = Instant::now();
        if manual && r.trial.paused {
            r.act(bench, base, &Action::Resume)?;
        }
        let mut running = !r.trial.paused;
        let now = |base: u64, since: Instant, running: bool| {
            if running && !manual {
                base + since.elapsed().as_millis() as u64
            } else {
                base
            }
        };
        loop {
            // Every pending key first, each timed as it is read; then one frame.
            while event::poll(Duration::ZERO).unwrap_or(false) {
                let Ok(Event::Key(k)) = event::read() else {
                    continue;
                };
                if k.kind == KeyEventKind::Release {
                    continue;
                }
                let t = now(base, since, running);
                let step = |ms: u64| (base + ms).min(bench.session_ms());
                let action = match k.code {
                    KeyCode::Right if manual => {
                        base = step(100);
                        None
                    }
                    KeyCode::Up if manual => {
                        base = step(1000);
                        None
                    }
                    KeyCode::PageUp if manual => {
                        base = step(10_000);
                        None
                    }
                    KeyCode::Char('t') if manual && !bench.keys.contains(&'t') => {
                        if let Typed::Text(text) = self.prompt(
                            term,
                            bench,
                            &format!("Go to session time in s (now {} s)", seconds(t)),
                            "",
                        )? {
                            match text.trim().replace(',', ".").parse::<f64>() {
                                Ok(x) if x.is_finite() && x * 1000.0 >= t as f64 => {
                                    base = ((x * 1000.0).round() as u64).min(bench.session_ms());
                                }
                                _ => {
                                    self.message = Some((
                                        format!(
                                            "`{}` is not a time from {} s on: the clock goes forward only",
                                            text.trim(),
                                            seconds(t)
                                        ),
                                        Color::Red,
                                    ));
                                }
                            }
                        }
                        None
                    }
                    KeyCode::Char(' ') if manual => None,
                    KeyCode::Char(' ') if r.trial.paused => Some(Action::Resume),
                    KeyCode::Char(' ') => Some(Action::Pause),
                    KeyCode::Backspace => Some(Action::Undo),
                    KeyCode::Char('n') if !bench.keys.contains(&'n') => {
                        match self.prompt(term, bench, &format!("Note at {} s", seconds(t)), "")? {
                            Typed::Text(text) if !text.trim().is_empty() => {
                                Some(Action::Note(text))
                            }
                            _ => None,
                        }
                    }
                    KeyCode::Esc => self.stop_reason(term, bench)?.map(Action::EndEarly),
                    KeyCode::Char('q') if !bench.keys.contains(&'q') => return Ok(false),
                    KeyCode::Char(c) if is_ctrl_c(k.code, k.modifiers) => {
                        let _ = c;
                        return Ok(false);
                    }
                    KeyCode::Char(c) => bench
                        .keys
                        .iter()
                        .position(|k| *k == c.to_ascii_lowercase())
                        .map(Action::Toggle),
                    _ => None,
                };
                if let Some(a) = action {
                    r.act(bench, t, &a)?;
                    match a {
                        Action::Pause => {
                            base = t;
                            running = false;
                        }
                        Action::Resume => {
                            base = t;
                            since = Instant::now();
                            running = true;
                        }
                        _ => {}
                    }
                }
            }
            r.tick(bench, now(base, since, running))?;
            if r.trial.finished() {
                return Ok(true);
            }
            term.draw(|f| draw_trial(f, bench, r, &self.message, manual))
                .map_err(|e| RecordError::io("terminal".as_ref(), e))?;
            let _ = event::poll(Duration::from_millis(50));
        }
    }

    fn stop_reason(
        &mut self,
        term: &mut DefaultTerminal,
        bench: &Bench,
    ) -> Result<Option<String>, RecordError> {
        let reasons: Vec<(String, String)> = bench
            .stop_reasons()
            .into_iter()
            .map(|e| (e.id.clone(), e.description.clone()))
            .chain([(bench.failure_reason(), "the recording failed".to_string())])
            .collect();
        loop {
            let lines = reasons
                .iter()
                .enumerate()
                .map(|(i, (id, d))| Line::from(format!("{}  {id}: {d}", i + 1)))
                .collect();
            self.draw_page(
                term,
                bench,
                "Stop the trial now? The animal is excluded for:",
                lines,
                "1–9 choose   Esc go on with the trial",
            )?;
            match key().map(|k| k.0) {
                Some(KeyCode::Esc) => return Ok(None),
                Some(KeyCode::Char(c)) => {
                    if let Some(i) = c.to_digit(10).filter(|d| *d >= 1) {
                        if let Some((id, _)) = reasons.get(i as usize - 1) {
                            return Ok(Some(id.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn prompt(
        &mut self,
        term: &mut DefaultTerminal,
        bench: &Bench,
        title: &str,
        start: &str,
    ) -> Result<Typed, RecordError> {
        let mut text = start.to_string();
        loop {
            let lines = vec![Line::from(vec![
                Span::raw("> "),
                Span::styled(text.clone(), Style::new().add_modifier(Modifier::BOLD)),
                Span::raw("▏"),
            ])];
            self.draw_page(term, bench, title, lines, "type, then Enter   Esc cancel")?;
            match key() {
                Some((KeyCode::Enter, _)) => {
                    self.message = None;
                    return Ok(Typed::Text(text));
                }
                Some((KeyCode::Esc, _)) => return Ok(Typed::Cancelled),
                Some((k, m)) if is_ctrl_c(k, m) => return Ok(Typed::Cancelled),
                Some((KeyCode::Backspace, _)) => {
                    text.pop();
                }
                Some((KeyCode::Char(c), _)) => text.push(c),
                _ => {}
            }
        }
    }

    fn notice(
        &mut self,
        term: &mut DefaultTerminal,
        bench: &Bench,
        text: &str,
    ) -> Result<(), RecordError> {
        self.draw_page(
            term,
            bench,
            "preclin record",
            vec![Line::from(text.to_string())],
            "any key: quit",
        )?;
        let _ = key();
        Ok(())
    }

    fn draw_page(
        &self,
        term: &mut DefaultTerminal,
        bench: &Bench,
        title: &str,
        lines: Vec<Line<'static>>,
        help: &str,
    ) -> Result<(), RecordError> {
        let study = format!(" {} — {} ", bench.protocol.id, bench.dir.display());
        let message = self.message.clone();
        term.draw(|f| {
            let [top, body, msg, foot] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(5),
                Constraint::Length(2),
                Constraint::Length(1),
            ])
            .areas(f.area());
            f.render_widget(
                Paragraph::new(study.clone()).style(Style::new().add_modifier(Modifier::REVERSED)),
                top,
            );
            f.render_widget(
                Paragraph::new(Text::from(lines.clone()))
                    .block(Block::bordered().title(title.to_string()))
                    .wrap(Wrap { trim: false }),
                body,
            );
            if let Some((m, c)) = &message {
                f.render_widget(
                    Paragraph::new(m.clone())
                        .style(Style::new().fg(*c))
                        .wrap(Wrap { trim: true }),
                    msg,
                );
            }
            f.render_widget(
                Paragraph::new(help.to_string())
                    .style(Style::new().add_modifier(Modifier::REVERSED)),
                foot,
            );
        })
        .map_err(|e| RecordError::io("terminal".as_ref(), e))?;
        Ok(())
    }
}

fn first_line(e: &RecordError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

fn next_after(bench: &Bench, code: &str) -> Option<String> {
    let i = bench.run_order.iter().position(|e| e.code == code)?;
    bench.run_order.get(i + 1).map(|e| e.code.clone())
}

/// A skipped animal and the reason, kept in `sheets/events/skipped.csv`.
fn skip_note(bench: &Bench, code: &str, why: &str) -> Result<(), RecordError> {
    use std::io::Write;
    let path = bench.events_dir().join("skipped.csv");
    std::fs::create_dir_all(bench.events_dir()).map_err(|e| RecordError::io(&path, e))?;
    let new = !path.exists();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| RecordError::io(&path, e))?;
    let mut text = String::new();
    if new {
        text.push_str("blind_code,reason\r\n");
    }
    let rows = crate::study::csv_text(&[vec![code.to_string(), why.to_string()]]);
    text.push_str(&String::from_utf8_lossy(&rows));
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_data())
        .map_err(|e| RecordError::io(&path, e))
}

/// Digits five rows high, for the clock.
const BIG: [[&str; 5]; 12] = [
    ["███", "█ █", "█ █", "█ █", "███"],
    ["  █", "  █", "  █", "  █", "  █"],
    ["███", "  █", "███", "█  ", "███"],
    ["███", "  █", "███", "  █", "███"],
    ["█ █", "█ █", "███", "  █", "  █"],
    ["███", "█  ", "███", "  █", "███"],
    ["███", "█  ", "███", "█ █", "███"],
    ["███", "  █", "  █", "  █", "  █"],
    ["███", "█ █", "███", "█ █", "███"],
    ["███", "█ █", "███", "  █", "███"],
    ["   ", " █ ", "   ", " █ ", "   "],
    ["   ", "   ", "   ", "   ", " █ "],
];

fn big_clock(ms: u64) -> Vec<Line<'static>> {
    let text = format!(
        "{}:{:02}.{}",
        ms / 60_000,
        (ms / 1000) % 60,
        (ms / 100) % 10
    );
    (0..5)
        .map(|row| {
            let line: String = text
                .chars()
                .map(|c| {
                    let glyph = match c {
                        ':' => 10,
                        '.' => 11,
                        d => d.to_digit(10).unwrap_or(0) as usize,
                    };
                    format!("{} ", BIG[glyph][row])
                })
                .collect();
            Line::from(line)
        })
        .collect()
}

fn draw_trial(
    f: &mut Frame,
    bench: &Bench,
    r: &Recorder,
    message: &Option<(String, Color)>,
    manual: bool,
) {
    let t = r.trial.now_ms;
    let totals = r.trial.totals(&bench.scoring, bench.session_s);
    let [top, clock, bar, keys, table, msg, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(7),
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Min(4),
        Constraint::Length(2),
        Constraint::Length(2),
    ])
    .areas(f.area());
    let state = if manual {
        "manual clock"
    } else if r.trial.paused {
        "PAUSED"
    } else {
        "recording"
    };
    f.render_widget(
        Paragraph::new(format!(
            " {}  {}  {state}{}",
            r.code,
            bench.protocol.id,
            if r.trial.interrupted {
                " (interrupted)"
            } else {
                ""
            }
        ))
        .style(Style::new().add_modifier(Modifier::REVERSED)),
        top,
    );
    let in_window = (t as f64) >= bench.scoring.window_start_s * 1000.0
        && (t as f64) < bench.scoring.window_end_s * 1000.0;
    f.render_widget(
        Paragraph::new(Text::from(big_clock(t)))
            .style(Style::new().fg(if in_window { Color::Cyan } else { Color::White }))
            .block(Block::bordered().title(format!(
                "session {} of {} s — scoring window {}–{} s{}",
                seconds(t),
                bench.session_s,
                bench.scoring.window_start_s,
                bench.scoring.window_end_s,
                if in_window { " (scoring now)" } else { "" }
            ))),
        clock,
    );
    f.render_widget(Paragraph::new(timeline(bar, bench, t)), bar);
    let key_spans: Vec<Span> = bench
        .names
        .iter()
        .enumerate()
        .flat_map(|(i, name)| {
            let on = totals.current.is_some_and(|(j, _)| j == i);
            let style = if on {
                Style::new()
                    .bg(Color::Green)
                    .fg(Color::Black)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            [
                Span::styled(format!(" [{}] {name} ", bench.keys[i]), style),
                Span::raw("  "),
            ]
        })
        .collect();
    f.render_widget(
        Paragraph::new(Line::from(key_spans))
            .block(Block::bordered().title("behaviour keys (press again to stop)")),
        keys,
    );
    let mut rows: Vec<Line> = Vec::new();
    for (i, name) in bench.names.iter().enumerate() {
        let bins: Vec<String> = totals.per_minute[i]
            .iter()
            .map(|s| format!("{s:5.1}"))
            .collect();
        let in_window = totals
            .cells
            .get(&format!("{name}_s"))
            .or_else(|| totals.cells.get(&format!("{name}_count")))
            .cloned()
            .unwrap_or_default();
        rows.push(Line::from(format!(
            "{name:<11} window {in_window:>6}   per minute {}",
            bins.join(" ")
        )));
    }
    if let Some(l) = &bench.scoring.latency {
        let v = totals
            .cells
            .get(&format!("latency_{}_s", l.behaviour))
            .cloned()
            .unwrap_or_default();
        rows.push(Line::from(format!(
            "latency to {}: {}",
            l.behaviour,
            if v.is_empty() {
                "none yet".to_string()
            } else {
                format!("{v} s")
            }
        )));
    }
    if bench.scoring.min_bout_s > 0.0 {
        rows.push(Line::from(format!(
            "bouts shorter than {} s are not counted",
            bench.scoring.min_bout_s
        )));
    }
    f.render_widget(
        Paragraph::new(Text::from(rows))
            .block(Block::bordered().title("totals (as analyze counts them)")),
        table,
    );
    if let Some((m, c)) = message {
        f.render_widget(
            Paragraph::new(m.clone())
                .style(Style::new().fg(*c))
                .wrap(Wrap { trim: true }),
            msg,
        );
    }
    f.render_widget(
        Paragraph::new(if manual {
            "keys above: behaviour   → +0.1 s   ↑ +1 s   PgUp +10 s   t go to time   Backspace undo   n note   Esc stop early   q quit"
        } else {
            "keys above: behaviour   space pause/resume   Backspace undo   n note   Esc stop early   q quit (resume later)"
        })
            .style(Style::new().add_modifier(Modifier::REVERSED))
            .wrap(Wrap { trim: true }),
        foot,
    );
}

/// The session as a bar: the scoring window shaded, the elapsed part filled.
fn timeline(area: Rect, bench: &Bench, t: u64) -> Text<'static> {
    let width = area.width.max(10) as usize;
    let total = bench.session_s * 1000.0;
    let cell = |i: usize| (i as f64 + 0.5) / width as f64 * total;
    let spans: Vec<Span> = (0..width)
        .map(|i| {
            let at = cell(i);
            let window = at >= bench.scoring.window_start_s * 1000.0
                && at < bench.scoring.window_end_s * 1000.0;
            let done = at <= t as f64;
            let ch = if done {
                "█"
            } else if window {
                "▒"
            } else {
                "░"
            };
            Span::styled(
                ch,
                Style::new().fg(if window { Color::Cyan } else { Color::Gray }),
            )
        })
        .collect();
    Text::from(vec![
        Line::from(spans),
        Line::from(format!(
            "0 s{:>w$}",
            format!("{} s", bench.session_s),
            w = width.saturating_sub(3)
        )),
    ])
}
