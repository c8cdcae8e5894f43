//! The command line: clap definitions and the mapping of arguments onto library calls.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Parser, Subcommand, ValueEnum};
use sha2::{Digest, Sha256};

use crate::protocol::{self, BlockBy, ResolveError, LOCAL_DIR};
use crate::study::{plan_study, study_files, write_study, StudyPlan, TemplateOptions};
use crate::Error;
use crate::{ingest, report, stats};

mod import_cli;
mod models_cli;
mod record_cli;
mod stats_cli;
mod survival_cli;

/// Protocols, randomised blinded data capture and analysis for preclinical pharmacology.
#[derive(Debug, Parser)]
#[command(
    name = "preclin",
    version,
    after_help = "Examples:\n  preclin demo\n  preclin protocol list\n  preclin template fst-mouse --n-per-group 10 --seed 42 --out my-study"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show and check protocol definitions.
    #[command(subcommand)]
    Protocol(ProtocolCommand),
    /// Create a study folder: randomised, blinded capture sheets, allocation key and run order.
    #[command(
        after_help = "Example:\n  preclin template fst-mouse --n-per-group 10 --seed 42 --out fst-2026-01"
    )]
    Template(TemplateArgs),
    /// Statistics on any CSV or .xlsx file, like Prism's column analyses.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Analyse a study folder: validated scores in, statistics, figures and a report out.
    #[command(
        after_help = "Examples:\n  preclin analyze fst-2026-01\n  preclin analyze fst-2026-01 --data scores-from-boris.csv --out fst-2026-01/results-boris --force"
    )]
    Analyze(AnalyzeArgs),
    /// Convert an event log into a study's scoring sheet, to check before analysis.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Record trials at the bench: a keyboard scorer that walks the run order and fills the
    /// study's scoring sheet.
    #[command(
        after_help = "Examples:\n  preclin record fst-2026-01\n  preclin record fst-2026-01 --animal M77C\n  preclin record fst-2026-01 --script trial.txt\n\nKeys during a trial: the behaviours' keys (shown on screen), space pause/resume, backspace undo, n note, Esc stop early, q quit (an unfinished trial can be resumed)."
    )]
    Record(RecordArgs),
    /// Build an example study from the built-in protocol and sample data.
    #[command(after_help = "Example:\n  preclin demo --out preclin-demo")]
    Demo(DemoArgs),
}

#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The study folder (made by `preclin template`).
    pub study: PathBuf,
    /// Start with this animal (blind code) instead of the next unrecorded one.
    #[arg(long)]
    pub animal: Option<String>,
    /// Key presses from a file instead of the keyboard (see docs/tutorial-record.md).
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// The session clock on screen: live (a monotonic clock), or manual (moved forward by
    /// the scorer, for scoring from a video at the player's time).
    #[arg(long, value_enum, default_value = "live", conflicts_with = "script")]
    pub clock: ClockArg,
    /// How a script's times are played: as fast as possible, or on the wall clock.
    #[arg(long, value_enum, default_value = "instant", requires = "script")]
    pub pace: PaceArg,
    /// What to do with a trial that was not finished when preclin stopped.
    #[arg(long, value_enum)]
    pub unfinished: Option<UnfinishedArg>,
    /// Record an animal again; its earlier journal is kept beside the new one.
    #[arg(long)]
    pub again: bool,
    /// Keep the intact lines of a damaged journal (the damaged file is kept as .damaged).
    #[arg(long)]
    pub repair: bool,
    /// A second observer: journals under sheets/events/NAME/, the scoring sheet untouched.
    #[arg(long)]
    pub observer: Option<String>,
    /// Print how well observer NAME's recordings agree with the scoring sheet (ICC, Bland–Altman).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["script", "observer", "animal", "again", "unfinished"])]
    pub agreement: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ClockArg {
    Live,
    Manual,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PaceArg {
    Instant,
    Real,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum UnfinishedArg {
    Resume,
    Discard,
    Failed,
}

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// List the built-in protocols and those in ./protocols/.
    #[command(after_help = "Example:\n  preclin protocol list")]
    List,
    /// Print a readable summary: animals, groups and doses, schedule, scoring, analysis.
    #[command(
        after_help = "Examples:\n  preclin protocol show fst-rat-modified\n  preclin protocol show fst-mouse --toml > protocols/my-fst.toml"
    )]
    Show {
        /// A protocol id (built-in or in ./protocols/) or a path to a .toml file.
        protocol: String,
        /// Print the protocol file itself, e.g. to start your own from a built-in one.
        #[arg(long)]
        toml: bool,
    },
    /// Validate protocol files; errors point at the line and column.
    #[command(after_help = "Example:\n  preclin protocol check protocols/*.toml")]
    Check {
        /// Protocol files to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Per group: n, mean, SD, SEM, 95% CI of the mean, median, quartiles, min, max.
    #[command(
        after_help = "Example:\n  preclin stats describe results.csv --value immobility_s --group group --json"
    )]
    Describe(DescribeArgs),
    /// Compare groups: assumption checks, omnibus test, effect sizes, post hoc comparisons.
    #[command(
        after_help = "Examples:\n  preclin stats compare scores.csv --value immobility_s --group group --control VEH\n  preclin stats compare scores.csv --value immobility_s --group group --test kruskal --json"
    )]
    Compare(CompareArgs),
    /// Shapiro–Wilk and D'Agostino–Pearson tests per group, and equal-variance tests.
    #[command(
        after_help = "Example:\n  preclin stats normality scores.csv --value immobility_s --group group"
    )]
    Normality(DescribeArgs),
    /// Flag possible outliers per group (Grubbs or the IQR rule); nothing is removed.
    #[command(
        after_help = "Example:\n  preclin stats outliers scores.csv --value immobility_s --group group --method iqr"
    )]
    Outliers(OutlierArgs),
    /// Factorial ANOVA (two or more between-subject factors): Type I, II or III sums of
    /// squares, simple main effects, post hoc comparisons of cells.
    #[command(
        after_help = "Examples:\n  preclin stats anova scores.csv --value immobility_s --factors drug,zinc\n  preclin stats anova cyp.csv --value activity --factors stress,drug --posthoc dunnett --control control:vehicle --json"
    )]
    Anova(AnovaArgs),
    /// Repeated-measures ANOVA: one within-subject factor, optionally one between-subject
    /// factor; Mauchly's test, Greenhouse–Geisser and Huynh–Feldt corrections.
    #[command(
        name = "rm-anova",
        after_help = "Example:\n  preclin stats rm-anova minutes.csv --value immobility_s --subject animal --within minute --between group"
    )]
    RmAnova(RmAnovaArgs),
    /// Calibration curve (straight line, quadratic or 4PL), weighted or not: back-calculated
    /// standards, LOD/LOQ, unknowns read off the curve with their intervals.
    #[command(
        after_help = "Examples:\n  preclin stats regress standards.csv --x conc_uM --y area_ratio --weights best\n  preclin stats regress bca.csv --x ug_per_ml --y absorbance --model 4pl --predict sample_abs"
    )]
    Regress(RegressArgs),
    /// Latency curves with censoring: Kaplan–Meier per group, median with CI, log-rank test
    /// (and the test for trend over ordered groups).
    #[command(
        after_help = "Example:\n  preclin stats survival latency.csv --time latency_s --event immobile --group group"
    )]
    Survival(SurvivalArgs),
    /// Power of a design, or the n per group that reaches a power (noncentral t and F).
    #[command(
        after_help = "Examples:\n  preclin stats power --design t --effect 1.3 --power 0.8\n  preclin stats power --design anova --groups 4 --effect 0.4 --n 10"
    )]
    Power(PowerArgs),
}

#[derive(Debug, Args)]
pub struct SurvivalArgs {
    /// CSV or .xlsx file: one row per animal.
    pub data: PathBuf,
    /// Column of times (s), measured from the start of the session.
    #[arg(long)]
    pub time: String,
    /// Column saying whether the event was seen (1, yes, true) or the time is censored
    /// (0, no, false).
    #[arg(long)]
    pub event: String,
    /// Column holding the group labels.
    #[arg(long)]
    pub group: String,
    /// Scores of the groups for the test for trend (e.g. doses 0,10,20), in order of first
    /// appearance; default 1, 2, … with three or more groups.
    #[arg(long)]
    pub scores: Option<String>,
    /// Confidence level of the survival and median intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    #[command(flatten)]
    pub output: SheetOutput,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DesignArg {
    /// Two groups, two-sided t test; effect = Cohen's d.
    T,
    /// One-way ANOVA of --groups groups; effect = Cohen's f.
    Anova,
    /// The interaction of a 2 × 2 design; effect = Cohen's f; n per cell.
    #[value(name = "2x2")]
    TwoByTwo,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("goal").required(true).args(["power", "n"])))]
pub struct PowerArgs {
    /// The design.
    #[arg(long, value_enum)]
    pub design: DesignArg,
    /// The effect size: Cohen's d (t) or Cohen's f (anova, 2x2).
    #[arg(long, allow_negative_numbers = true)]
    pub effect: f64,
    /// Significance level (two-sided for t).
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Target power: print the n per group that reaches it.
    #[arg(long)]
    pub power: Option<f64>,
    /// n per group (per cell for 2x2): print the power it gives.
    #[arg(long)]
    pub n: Option<usize>,
    /// Number of groups for --design anova.
    #[arg(long)]
    pub groups: Option<usize>,
    /// Print one JSON object instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

/// Options shared by the model commands: which worksheet, and JSON or tables.
#[derive(Debug, Args)]
pub struct SheetOutput {
    /// Worksheet of an .xlsx file (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnovaArgs {
    /// CSV (comma- or semicolon-separated) or .xlsx file with a header row.
    pub data: PathBuf,
    /// Column holding the values.
    #[arg(long)]
    pub value: String,
    /// The factor columns, comma-separated (e.g. drug,zinc).
    #[arg(long, value_delimiter = ',', required = true)]
    pub factors: Vec<String>,
    /// Type of sums of squares (3 is Prism's and SPSS's default).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub ss_type: u8,
    /// Post hoc comparisons of cells: tukey (all cells), dunnett (each cell against
    /// --control), sidak (levels of the first factor within each level of the others).
    #[arg(long, value_enum, default_value = "none")]
    pub posthoc: CellPosthocArg,
    /// The control cell for Dunnett, as levels joined by ":" (e.g. vehicle:water).
    #[arg(long)]
    pub control: Option<String>,
    /// Significance level of the simultaneous confidence intervals.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    #[command(flatten)]
    pub output: SheetOutput,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CellPosthocArg {
    None,
    Tukey,
    Dunnett,
    Sidak,
}

#[derive(Debug, Args)]
pub struct RmAnovaArgs {
    /// CSV or .xlsx file in long format: one row per subject and level.
    pub data: PathBuf,
    /// Column holding the values.
    #[arg(long)]
    pub value: String,
    /// Column identifying the subject (animal).
    #[arg(long)]
    pub subject: String,
    /// The within-subject factor column (minute, week).
    #[arg(long)]
    pub within: String,
    /// The between-subject factor column (group), if any.
    #[arg(long)]
    pub between: Option<String>,
    #[command(flatten)]
    pub output: SheetOutput,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum WeightsArg {
    None,
    #[value(name = "1/x")]
    InverseX,
    #[value(name = "1/x2")]
    InverseX2,
    #[value(name = "1/y2")]
    InverseY2,
    /// The weighting with the smallest sum of absolute % relative errors.
    Best,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CurveArg {
    Linear,
    Quadratic,
    #[value(name = "4pl")]
    FourPl,
}

#[derive(Debug, Args)]
pub struct RegressArgs {
    /// CSV or .xlsx file: one row per standard; rows with a response but no concentration
    /// are samples to read off the curve.
    pub data: PathBuf,
    /// Column of nominal concentrations.
    #[arg(long)]
    pub x: String,
    /// Column of responses (peak area or area ratio, absorbance).
    #[arg(long)]
    pub y: String,
    /// Weighting of the standards.
    #[arg(long, value_enum, default_value = "none")]
    pub weights: WeightsArg,
    /// The curve.
    #[arg(long, value_enum, default_value = "linear")]
    pub model: CurveArg,
    /// Responses to convert to concentrations: a column of the file, or numbers
    /// separated by commas.
    #[arg(long)]
    pub predict: Option<String>,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    #[command(flatten)]
    pub output: SheetOutput,
}

/// The data and columns every `stats` command reads.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// CSV (comma- or semicolon-separated) or .xlsx file with a header row.
    pub data: PathBuf,
    /// Column holding the values.
    #[arg(long)]
    pub value: String,
    /// Column holding the group labels.
    #[arg(long)]
    pub group: String,
    /// Worksheet of an .xlsx file (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The control group for many-to-one comparisons (Dunnett, or Dunn/Šídák/… vs control).
    #[arg(long)]
    pub control: Option<String>,
    /// The omnibus test; `auto` chooses from the normality and equal-variance checks.
    #[arg(long, value_enum, default_value = "auto")]
    pub test: TestArg,
    /// The post hoc method (default: the one that goes with the test).
    #[arg(long, value_enum)]
    pub posthoc: Option<PosthocArg>,
    /// How Dunn's p values are adjusted.
    #[arg(long, value_enum, default_value = "bonferroni")]
    pub dunn_adjust: DunnAdjustArg,
    /// Significance level for the checks, the auto choice and the confidence intervals.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TestArg {
    Auto,
    Anova,
    WelchAnova,
    BrownForsythe,
    Kruskal,
    T,
    WelchT,
    MannWhitney,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PosthocArg {
    Tukey,
    Dunnett,
    GamesHowell,
    Sidak,
    HolmSidak,
    Bonferroni,
    Holm,
    Bh,
    Lsd,
    Dunn,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DunnAdjustArg {
    Bonferroni,
    Holm,
}

#[derive(Debug, Args)]
pub struct OutlierArgs {
    #[command(flatten)]
    pub table: DescribeArgs,
    /// Grubbs' test (two-sided, repeated while significant) or Tukey's 1.5/3 × IQR fences.
    #[arg(long, value_enum, default_value = "grubbs")]
    pub method: OutlierMethod,
    /// Significance level of Grubbs' test.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutlierMethod {
    Grubbs,
    Iqr,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// CSV (comma- or semicolon-separated) or .xlsx file with a header row.
    pub data: PathBuf,
    /// Column holding the values.
    #[arg(long)]
    pub value: String,
    /// Column holding the group labels (default: all values form one group).
    #[arg(long)]
    pub group: Option<String>,
    /// Worksheet of an .xlsx file (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BlockByArg {
    Cage,
    Batch,
}

impl From<BlockByArg> for BlockBy {
    fn from(b: BlockByArg) -> Self {
        match b {
            BlockByArg::Cage => BlockBy::Cage,
            BlockByArg::Batch => BlockBy::Batch,
        }
    }
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// A protocol id (built-in or in ./protocols/) or a path to a .toml file.
    pub protocol: String,
    /// Animals per group (default: the protocol's n_per_group), 2 to 1000.
    #[arg(long)]
    pub n_per_group: Option<u32>,
    /// Randomisation seed; drawn and recorded in study.toml when not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Balance the groups within each cage or testing batch (overrides the protocol).
    #[arg(long, value_enum)]
    pub block_by: Option<BlockByArg>,
    /// The study folder to create.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace preclin's files in a folder that is not empty.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A BORIS export (aggregated or tabular events; tab or comma) or a plain
    /// `animal,behaviour,start_s,stop_s` CSV, scored by the study's protocol.
    #[command(
        after_help = "Example:\n  preclin import boris fst-2026-01-boris.tsv --study fst-2026-01\n  preclin analyze fst-2026-01 --data fst-2026-01/sheets/scoring-from-fst-2026-01-boris.csv"
    )]
    Boris(ImportBorisArgs),
    /// A plate reader's export (BioTek Gen5 text) as rows of the protein-assay sheet.
    #[command(
        name = "plate-reader",
        after_help = "Example:\n  preclin import plate-reader lowry-plate1.txt --out cms-2026/sheets/protein-assay.csv\n\nRole and concentration come from the reader's layout (STD = standard, SPL = sample, BLK = blank); samples keep the reader's names until you replace them by blind codes; flagged values are left empty and listed."
    )]
    PlateReader(ImportPlateReaderArgs),
    /// A chromatography run (an ASM liquid-chromatography .json from allotropy, or a
    /// ChemStation / OpenLab peak-table .csv) as rows of the hplc-standards and
    /// hplc-samples sheets.
    #[command(
        after_help = "Example:\n  preclin import hplc run-2026-11-30.json --out hplc-standards-run1.csv --samples hplc-samples-run1.csv\n\nStandard injections go to --out, the other injections to --samples. The nominal concentrations, incubation conditions and the metabolite names of the protocol are left to fill in."
    )]
    Hplc(ImportHplcArgs),
}

#[derive(Debug, Args)]
pub struct ImportHplcArgs {
    /// The run's ASM document (.json) or peak-table CSV.
    pub file: PathBuf,
    /// The CSV of the standard injections' peaks (hplc-standards layout).
    #[arg(long)]
    pub out: PathBuf,
    /// The CSV of the other injections' peaks (hplc-samples layout), when the run has any.
    #[arg(long)]
    pub samples: Option<PathBuf>,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportPlateReaderArgs {
    /// The reader's export.
    pub file: PathBuf,
    /// The CSV to write, in the layout of the protein-assay sheet.
    #[arg(long)]
    pub out: PathBuf,
    /// The read to take when the plate was read at several wavelengths (nm).
    #[arg(long)]
    pub wavelength: Option<String>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportBorisArgs {
    /// The exported event log.
    pub file: PathBuf,
    /// The study folder whose protocol, blind codes and scoring sheet are used.
    #[arg(long)]
    pub study: PathBuf,
    /// Where to write the scoring sheet (default: STUDY/sheets/scoring-from-<file>.csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The study folder made by `preclin template`, with its filled scoring sheet.
    pub study: PathBuf,
    /// The scores to analyse, when not in the study's sheets/scoring.csv or capture.xlsx.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Where to write the results (default: STUDY/results).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the files of an existing results folder.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the example study.
    #[arg(long, default_value = "preclin-demo")]
    pub out: PathBuf,
    /// Replace preclin's files in a folder that is not empty.
    #[arg(long)]
    pub force: bool,
}

/// Seed of the demo studies.
pub const DEMO_SEED: u64 = 20_261_121;

/// Entry point of the binary: parses the arguments, runs, prints any error once.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    match run(cli, &mut stdout.lock(), Path::new(LOCAL_DIR)) {
        Ok(()) => 0,
        Err(e) => {
            // Protocol diagnostics carry their own `error:` headings.
            match &e {
                Error::Protocol(ResolveError::Invalid(d)) => eprint!("{d}"),
                _ => eprintln!("error: {e}"),
            }
            e.exit_code()
        }
    }
}

/// Runs a parsed command; `local_protocols` is the folder searched for the user's protocols.
pub fn run(cli: Cli, out: &mut dyn Write, local_protocols: &Path) -> Result<(), Error> {
    match cli.command {
        Command::Protocol(ProtocolCommand::List) => list(out, local_protocols),
        Command::Protocol(ProtocolCommand::Show { protocol, toml }) => {
            let loaded = protocol::resolve(&protocol, local_protocols)?;
            if toml {
                write!(out, "{}", loaded.text).ok();
            } else {
                let origin = loaded.origin.display_name(&loaded.protocol.id);
                write!(out, "{}", protocol::summary(&loaded.protocol, &origin)).ok();
            }
            Ok(())
        }
        Command::Protocol(ProtocolCommand::Check { paths }) => check(out, &paths),
        Command::Template(args) => {
            let loaded = protocol::resolve(&args.protocol, local_protocols)?;
            let (seed, drawn) = match args.seed {
                Some(s) => (s, false),
                None => (draw_seed(), true),
            };
            let options = TemplateOptions {
                n_per_group: args.n_per_group,
                seed,
                block_by: args.block_by.map(BlockBy::from),
            };
            let plan = plan_study(&loaded, &options)?;
            write_study(&args.out, &study_files(&plan)?, args.force)?;
            report_study(out, &plan, &args.out, drawn);
            Ok(())
        }
        Command::Stats(command) => {
            // A statistical refusal names the file whose values it is about.
            let data = command.data_file();
            stats_command(out, command).map_err(|e| match (e, data) {
                (Error::Stats { source }, Some(path)) => Error::Analysis {
                    path: path.display().to_string(),
                    source,
                },
                (e, _) => e,
            })
        }
        Command::Analyze(args) => {
            let out_dir = args
                .out
                .clone()
                .unwrap_or_else(|| args.study.join("results"));
            analyze_study(out, &args.study, args.data.as_deref(), &out_dir, args.force)
        }
        Command::Import(ImportCommand::Boris(args)) => import_boris(out, &args),
        Command::Import(ImportCommand::PlateReader(args)) => import_cli::plate_reader(out, &args),
        Command::Import(ImportCommand::Hplc(args)) => import_cli::hplc(out, &args),
        Command::Record(args) => record_cli::record(out, &args),
        Command::Demo(args) => demo(out, &args.out, args.force),
    }
}

fn stats_command(out: &mut dyn Write, command: StatsCommand) -> Result<(), Error> {
    match command {
        StatsCommand::Describe(args) => describe(out, &args),
        StatsCommand::Compare(args) => stats_cli::compare(out, &args),
        StatsCommand::Normality(args) => stats_cli::normality(out, &args),
        StatsCommand::Outliers(args) => stats_cli::outliers(out, &args),
        StatsCommand::Anova(args) => models_cli::anova(out, &args),
        StatsCommand::RmAnova(args) => models_cli::rm_anova(out, &args),
        StatsCommand::Regress(args) => models_cli::regress(out, &args),
        StatsCommand::Survival(args) => survival_cli::survival(out, &args),
        StatsCommand::Power(args) => survival_cli::power(out, &args),
    }
}

impl StatsCommand {
    /// The data file the command reads, if it reads one.
    fn data_file(&self) -> Option<PathBuf> {
        Some(match self {
            StatsCommand::Describe(a) | StatsCommand::Normality(a) => a.data.clone(),
            StatsCommand::Compare(a) => a.data.data.clone(),
            StatsCommand::Outliers(a) => a.table.data.clone(),
            StatsCommand::Anova(a) => a.data.clone(),
            StatsCommand::RmAnova(a) => a.data.clone(),
            StatsCommand::Regress(a) => a.data.clone(),
            StatsCommand::Survival(a) => a.data.clone(),
            StatsCommand::Power(_) => return None,
        })
    }
}

/// The sample studies of the demo: built-in protocol and its simulated, filled sheets
/// (see sample_data/README.md), as (path in the study folder, contents).
type DemoStudy = (&'static str, &'static [(&'static str, &'static [u8])]);

macro_rules! sample {
    ($path:literal) => {
        include_bytes!(concat!("../../sample_data/", $path))
    };
}

const DEMO_STUDIES: [DemoStudy; 4] = [
    (
        "fst-mouse",
        &[("sheets/scoring.csv", sample!("fst-mouse/scoring.csv"))],
    ),
    (
        "fst-imipramine-zinc",
        &[(
            "sheets/scoring.csv",
            sample!("fst-imipramine-zinc/scoring.csv"),
        )],
    ),
    (
        "fst-rat-modified",
        &[(
            "sheets/scoring.csv",
            sample!("fst-rat-modified/scoring.csv"),
        )],
    ),
    (
        "cms-cyp-rat",
        &[
            ("sheets/animals.csv", sample!("cms-cyp-rat/animals.csv")),
            ("sheets/weekly.csv", sample!("cms-cyp-rat/weekly.csv")),
            (
                "sheets/hplc-standards.csv",
                sample!("cms-cyp-rat/hplc-standards-map.csv"),
            ),
            (
                "sheets/hplc-samples.csv",
                sample!("cms-cyp-rat/hplc-samples-map.csv"),
            ),
            (
                "sheets/hplc-exports/CAF-1.json",
                sample!("cms-cyp-rat/hplc-exports/CAF-1.json"),
            ),
            (
                "sheets/hplc-exports/CZX-1.csv",
                sample!("cms-cyp-rat/hplc-exports/CZX-1.csv"),
            ),
            (
                "sheets/protein-assay.csv",
                sample!("cms-cyp-rat/protein-plate-map.csv"),
            ),
            (
                "sheets/plate-reader/BCA-2.txt",
                sample!("cms-cyp-rat/plate-reader/BCA-2.txt"),
            ),
            (
                "sheets/qpcr.csv",
                sample!("cms-cyp-rat/qpcr-capture-plate3.csv"),
            ),
            (
                "sheets/qpcr-exports/qpcr-quantstudio.txt",
                sample!("cms-cyp-rat/qpcr-quantstudio.txt"),
            ),
            (
                "sheets/qpcr-exports/qpcr-cfx.csv",
                sample!("cms-cyp-rat/qpcr-cfx.csv"),
            ),
            (
                "sheets/western-blot.csv",
                sample!("cms-cyp-rat/western-blot.csv"),
            ),
        ],
    ),
];

/// One demo study, templated with the demo seed, its sample sheets filled in and
/// analysed in a scratch folder: every file of the study folder including `results/`.
fn demo_study(
    id: &str,
    sheets: &[(&str, &[u8])],
    scratch: &Path,
) -> Result<crate::study::StudyFiles, Error> {
    let loaded = protocol::builtin(id).expect("the demo protocols are built in")?;
    let options = TemplateOptions {
        n_per_group: None,
        seed: DEMO_SEED,
        block_by: None,
    };
    let plan = plan_study(&loaded, &options)?;
    let mut files = study_files(&plan)?;
    for (path, bytes) in sheets {
        files.insert((*path).to_string(), bytes.to_vec());
    }
    let dir = scratch.join(id);
    write_study(&dir, &files, false)?;
    let analysis = crate::analysis::analyze_study(&dir, None)?;
    for (name, bytes) in analysis.results_files() {
        files.insert(format!("results/{name}"), bytes);
    }
    Ok(files)
}

/// `preclin demo`: the sample studies (three forced swim tests and a chronic mild stress
/// study of liver CYP), analysed, in one folder.
fn demo(out: &mut dyn Write, dir: &Path, force: bool) -> Result<(), Error> {
    if dir.exists() && !force && std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Error::Output(crate::study::OutputError::NotEmpty {
            dir: dir.to_path_buf(),
        }));
    }
    let scratch = std::env::temp_dir().join(format!("preclin-demo-{}", std::process::id()));
    // The studies are independent: built side by side on the machine's cores.
    let built: Result<Vec<_>, Error> = crate::stats::parallel_map(&DEMO_STUDIES, |(id, sheets)| {
        demo_study(id, sheets, &scratch).map(|f| (*id, f))
    })
    .into_iter()
    .collect();
    let _ = std::fs::remove_dir_all(&scratch);
    let mut files = crate::study::StudyFiles::new();
    for (id, study) in built? {
        for (name, bytes) in study {
            files.insert(format!("{id}/{name}"), bytes);
        }
    }
    write_study(dir, &files, force)?;
    writeln!(
        out,
        "Built and analysed four simulated studies (seed {DEMO_SEED}) in {}:",
        dir.display()
    )
    .ok();
    for (id, _) in DEMO_STUDIES {
        writeln!(
            out,
            "  {}",
            dir.join(id).join("results/report.html").display()
        )
        .ok();
    }
    writeln!(
        out,
        "Three forced swim tests and a chronic mild stress study of liver CYP; each folder is a complete study: sheets/ as filled in, key/, and results/."
    )
    .ok();
    Ok(())
}

/// `preclin import boris`: the log scored into the study's sheet layout, written once.
fn import_boris(out: &mut dyn Write, args: &ImportBorisArgs) -> Result<(), Error> {
    let study = crate::analysis::load_study(&args.study)?;
    let log = ingest::read_event_log(&args.file)?;
    let imported = crate::analysis::scores_from_events(&study, &log)?;
    let stem = args
        .file
        .file_stem()
        .map_or("events".into(), |s| s.to_string_lossy().to_string());
    let target = args.out.clone().unwrap_or_else(|| {
        args.study
            .join("sheets")
            .join(format!("scoring-from-{stem}.csv"))
    });
    import_cli::free(&target, args.force)?;
    import_cli::write_csv(&target, &imported.rows)?;
    let scored = imported.rows.len() - 1 - imported.not_in_log.len();
    writeln!(
        out,
        "Read {} events ({}) from {}; scored {scored} animals into {}",
        log.events.len(),
        log.format,
        args.file.display(),
        target.display()
    )
    .ok();
    if !imported.not_in_log.is_empty() {
        writeln!(
            out,
            "  not in the log (left as they were): {}",
            imported.not_in_log.join(", ")
        )
        .ok();
    }
    if !imported.ignored_behaviours.is_empty() {
        writeln!(
            out,
            "  behaviours the protocol does not score (ignored): {}",
            imported.ignored_behaviours.join(", ")
        )
        .ok();
    }
    writeln!(
        out,
        "Check the sheet, then: preclin analyze {} --data {}",
        args.study.display(),
        target.display()
    )
    .ok();
    Ok(())
}

/// Runs the analysis, writes `results/` in one piece and prints a short summary.
fn analyze_study(
    out: &mut dyn Write,
    study: &Path,
    data: Option<&Path>,
    out_dir: &Path,
    force: bool,
) -> Result<(), Error> {
    if out_dir.exists()
        && !force
        && std::fs::read_dir(out_dir).is_ok_and(|mut d| d.next().is_some())
    {
        return Err(Error::Output(crate::study::OutputError::NotEmpty {
            dir: out_dir.to_path_buf(),
        }));
    }
    let a = crate::analysis::analyze_study(study, data)?;
    let files = a.results_files();
    write_study(out_dir, &files, force)?;
    write!(out, "{}", a.summary(out_dir)).ok();
    Ok(())
}

fn describe(out: &mut dyn Write, args: &DescribeArgs) -> Result<(), Error> {
    let table = ingest::read_table(&args.data, args.sheet.as_deref())?;
    let grouped = ingest::grouped_values(&table, &args.value, args.group.as_deref())?;
    let described = grouped
        .groups
        .iter()
        .zip(&grouped.deviations)
        .map(|((name, _), d)| {
            Ok((
                name.clone(),
                stats::describe_centred(name, d, grouped.centre)?,
            ))
        })
        .collect::<Result<Vec<_>, stats::StatsError>>()?;
    if args.json {
        writeln!(
            out,
            "{}",
            report::describe_json(&args.value, &described, &grouped.blank_rows)
        )
        .ok();
    } else {
        write!(out, "{}", report::describe_table(&args.value, &described)).ok();
        if !grouped.blank_rows.is_empty() {
            let rows: Vec<String> = grouped.blank_rows.iter().map(usize::to_string).collect();
            writeln!(out, "blank cells skipped: row {}", rows.join(", ")).ok();
        }
    }
    Ok(())
}

fn list(out: &mut dyn Write, dir: &Path) -> Result<(), Error> {
    writeln!(out, "{:<22} {:<8} {:<34} title", "id", "version", "source").ok();
    for entry in protocol::list_protocols(dir) {
        let source = match &entry.origin {
            protocol::Origin::BuiltIn => "built-in".to_string(),
            protocol::Origin::File(p) => p.display().to_string(),
        };
        match &entry.loaded {
            Ok(l) => writeln!(
                out,
                "{:<22} {:<8} {:<34} {}",
                l.protocol.id, l.protocol.version, source, l.protocol.title
            ),
            Err(_) => writeln!(
                out,
                "{:<22} {:<8} {:<34} INVALID: run `preclin protocol check {source}`",
                entry.id, "-", source
            ),
        }
        .ok();
    }
    Ok(())
}

fn check(out: &mut dyn Write, paths: &[PathBuf]) -> Result<(), Error> {
    let mut invalid = 0;
    for path in paths {
        match protocol::load_file(path) {
            Ok(l) => {
                writeln!(
                    out,
                    "ok: {} ({} {})",
                    path.display(),
                    l.protocol.id,
                    l.protocol.version
                )
                .ok();
            }
            Err(ResolveError::Invalid(d)) => {
                invalid += 1;
                let n = d.diagnostics.len();
                eprint!("{d}");
                eprintln!(
                    "{}: {n} problem{}\n",
                    path.display(),
                    if n == 1 { "" } else { "s" }
                );
            }
            Err(e) => {
                invalid += 1;
                eprintln!("error: {e}\n");
            }
        }
    }
    if invalid > 0 {
        return Err(Error::InvalidProtocols {
            invalid,
            total: paths.len(),
        });
    }
    Ok(())
}

fn report_study(out: &mut dyn Write, plan: &StudyPlan, dir: &Path, drawn: bool) {
    let p = &plan.protocol;
    let seed_note = if drawn {
        " (drawn; recorded in study.toml)"
    } else {
        ""
    };
    writeln!(
        out,
        "Created study {} from {} {}: {} groups × {} animals, seed {}{seed_note}",
        dir.display(),
        p.id,
        p.version,
        p.design.groups.len(),
        p.design.n_per_group,
        plan.seed
    )
    .ok();
    let sheets: Vec<&str> = plan.sheets.iter().map(|s| s.sheet.name.as_str()).collect();
    writeln!(
        out,
        "  capture sheets: {} (CSV and sheets/capture.xlsx)",
        sheets.join(", ")
    )
    .ok();
    writeln!(
        out,
        "  allocation key: {} — keep it away from testers and scorers",
        dir.join("key/allocation-key.csv").display()
    )
    .ok();
}

/// A seed from the clock and process id, short enough to copy into a lab notebook.
fn draw_seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let digest = Sha256::digest(format!("{nanos}:{}", std::process::id()).as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes) % 1_000_000_000
}
